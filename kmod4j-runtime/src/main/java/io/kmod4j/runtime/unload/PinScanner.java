package io.kmod4j.runtime.unload;

import io.kmod4j.runtime.UnloadReport.Pin;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Looks for known things, other than threads, that keep a module's classes reachable after it
 * is unloaded: values in thread locals of live threads, shutdown hooks, platform MBeans, logging
 * handlers, security providers. Used to explain a loader that was not collected.
 *
 * <p>Thread locals and shutdown hooks live in private JDK fields; reading them needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the kmod4j launcher passes it). Without it
 * the report says that they were not checked rather than that they are clean.
 */
public final class PinScanner {

    private PinScanner() {}

    /** All pins of {@code loader} found now. */
    public static List<Pin> scan(ClassLoader loader) {
        List<Pin> pins = new ArrayList<>();
        threadLocals(loader, pins);
        shutdownHooks(loader, pins);
        mbeans(loader, pins);
        logHandlers(loader, pins);
        securityProviders(loader, pins);
        return pins;
    }

    static void threadLocals(ClassLoader loader, List<Pin> pins) {
        Field locals;
        Field inheritable;
        Field table;
        Field value;
        try {
            locals = Thread.class.getDeclaredField("threadLocals");
            inheritable = Thread.class.getDeclaredField("inheritableThreadLocals");
            Class<?> mapClass = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
            table = mapClass.getDeclaredField("table");
            value = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry").getDeclaredField("value");
            locals.setAccessible(true);
            inheritable.setAccessible(true);
            table.setAccessible(true);
            value.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            pins.add(new Pin("thread-local", "not checked (run with --add-opens java.base/java.lang=ALL-UNNAMED): " + e.getMessage()));
            return;
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            for (Field mapField : new Field[] {locals, inheritable}) {
                try {
                    Object map = mapField.get(t);
                    Object[] entries = map == null ? null : (Object[]) table.get(map);
                    if (entries == null) {
                        continue;
                    }
                    for (Object entry : entries) {
                        if (entry == null) {
                            continue;
                        }
                        Object key = ((java.lang.ref.Reference<?>) entry).get();
                        Object v = value.get(entry);
                        String what = null;
                        if (key != null && key.getClass().getClassLoader() == loader) {
                            what = "a ThreadLocal of class " + key.getClass().getName();
                        } else if (holds(v, loader, 2)) {
                            what = "a value of type " + v.getClass().getName();
                        }
                        if (what != null) {
                            pins.add(new Pin("thread-local", "thread '" + t.getName() + "' keeps " + what
                                    + (mapField == inheritable ? " (inheritable)" : "")));
                        }
                    }
                } catch (IllegalAccessException | RuntimeException e) {
                    // a thread that ended under us: nothing to report
                }
            }
        }
    }

    static void shutdownHooks(ClassLoader loader, List<Pin> pins) {
        try {
            Class<?> hooksClass = Class.forName("java.lang.ApplicationShutdownHooks");
            Field hooksField = hooksClass.getDeclaredField("hooks");
            hooksField.setAccessible(true);
            Map<?, ?> hooks;
            synchronized (hooksClass) {
                Object h = hooksField.get(null);
                hooks = h instanceof Map<?, ?> m ? new java.util.IdentityHashMap<>(m) : Map.of();
            }
            Field holder = Thread.class.getDeclaredField("holder");
            holder.setAccessible(true);
            for (Object k : hooks.keySet()) {
                Thread hook = (Thread) k;
                Object task = null;
                try {
                    Object fh = holder.get(hook);
                    Field taskField = fh.getClass().getDeclaredField("task");
                    taskField.setAccessible(true);
                    task = taskField.get(fh);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // JDK internals moved: judge by the thread alone
                }
                if (hook.getClass().getClassLoader() == loader || hook.getContextClassLoader() == loader
                        || holds(task, loader, 1)) {
                    pins.add(new Pin("shutdown-hook", "Runtime.addShutdownHook(thread '" + hook.getName()
                            + "')" + (task == null ? "" : " running " + task.getClass().getName())));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            pins.add(new Pin("shutdown-hook", "not checked (run with --add-opens java.base/java.lang=ALL-UNNAMED): " + e.getMessage()));
        }
    }

    static void mbeans(ClassLoader loader, List<Pin> pins) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName name : server.queryNames(null, null)) {
                try {
                    if (server.getClassLoaderFor(name) == loader) {
                        pins.add(new Pin("mbean", "registered platform MBean " + name));
                    }
                } catch (Exception gone) {
                    // unregistered meanwhile
                }
            }
        } catch (RuntimeException e) {
            pins.add(new Pin("mbean", "not checked: " + e));
        }
    }

    static void logHandlers(ClassLoader loader, List<Pin> pins) {
        LogManager lm = LogManager.getLogManager();
        for (String name : Collections.list(lm.getLoggerNames())) {
            Logger logger = lm.getLogger(name);
            if (logger == null) {
                continue;
            }
            for (Handler h : logger.getHandlers()) {
                if (h.getClass().getClassLoader() == loader) {
                    pins.add(new Pin("log-handler", "java.util.logging handler " + h.getClass().getName()
                            + " on logger '" + name + "'"));
                }
            }
        }
    }

    static void securityProviders(ClassLoader loader, List<Pin> pins) {
        for (Provider p : Security.getProviders()) {
            if (p.getClass().getClassLoader() == loader) {
                pins.add(new Pin("security-provider", "java.security provider " + p.getName()));
            }
        }
    }

    /** Whether {@code v} is, or (to {@code depth} levels) contains, an object or class of {@code loader}. */
    static boolean holds(Object v, ClassLoader loader, int depth) {
        if (v == null) {
            return false;
        }
        if (v instanceof Class<?> c) {
            return c.getClassLoader() == loader;
        }
        if (v.getClass().getClassLoader() == loader || v == loader) {
            return true;
        }
        if (depth <= 0) {
            return false;
        }
        if (v instanceof Collection<?> c) {
            for (Object o : new ArrayList<>(c)) {
                if (holds(o, loader, depth - 1)) {
                    return true;
                }
            }
        } else if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : new java.util.HashMap<>(m).entrySet()) {
                if (holds(e.getKey(), loader, depth - 1) || holds(e.getValue(), loader, depth - 1)) {
                    return true;
                }
            }
        } else if (v.getClass().isArray() && !v.getClass().getComponentType().isPrimitive()) {
            for (int i = 0; i < Math.min(Array.getLength(v), 1024); i++) {
                if (holds(Array.get(v, i), loader, depth - 1)) {
                    return true;
                }
            }
        }
        return false;
    }
}
