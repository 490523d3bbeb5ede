package io.kmod4j.runtime.module;

import io.kmod4j.internal.OwnedClassLoader;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The class loader of one loaded module: its own JAR (libraries it bundles included), the JDK,
 * kmod4j's API, and the packages exported by the modules it depends on. Nothing else: the
 * runtime's internals, the host's class path and other modules' private classes stay invisible.
 *
 * <p>Lookup order: classes already defined; the API's packages (from the API's loader, so that a
 * module and the runtime agree on {@code Module}, {@code KThread}, ...); packages of the JDK's
 * platform loader; packages exported by a dependency (from that module's loader); this JAR.
 *
 * <p>Its name, {@code kmod4j:<module>#<load number>}, appears in stack traces
 * ({@code StackTraceElement.getClassLoaderName()}), which is how the unload scanner recognises a
 * frame of this load of the module. Once {@link #close()}d it defines nothing more.
 */
public final class ModuleClassLoader extends ClassLoader implements OwnedClassLoader {

    static {
        registerAsParallelCapable();
    }

    /** API packages a module sees; {@code io.kmod4j.internal} is deliberately not among them. */
    public static final Set<String> VISIBLE_API_PACKAGES = Set.of(
            "io.kmod4j", "io.kmod4j.sync", "io.kmod4j.kthread", "io.kmod4j.log", "io.kmod4j.workqueue",
            "io.kmod4j.driver", "io.kmod4j.firmware");

    private final ClassLoader apiLoader;
    private final Map<String, ModuleClassLoader> imports;
    private final Owner owner;
    private final String moduleName;
    private volatile ModuleJar jar; // null once closed
    private final ProtectionDomain domain;
    private final URLStreamHandler resources = new JarBytesHandler();

    /**
     * @param loaderName unique name for stack traces: {@code kmod4j:<module>#<n>}
     * @param jar the module's contents
     * @param apiLoader the loader of kmod4j-api's classes
     * @param imports exported package name -> the loader of the dependency that exports it
     * @param owner the loaded module
     */
    public ModuleClassLoader(String loaderName, ModuleJar jar, ClassLoader apiLoader,
                             Map<String, ModuleClassLoader> imports, Owner owner) {
        super(loaderName, ClassLoader.getPlatformClassLoader());
        Ownership.ownedLoaderCreated();
        this.jar = Objects.requireNonNull(jar);
        this.apiLoader = Objects.requireNonNull(apiLoader);
        this.imports = Map.copyOf(imports);
        this.owner = Objects.requireNonNull(owner);
        this.moduleName = jar.info().name();
        this.domain = new ProtectionDomain(new CodeSource(jar.location(), (Certificate[]) null), null, this, null);
    }

    @Override
    public Owner owner() {
        return owner;
    }

    /** The module this loader belongs to. */
    public String moduleName() {
        return moduleName;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = lookup(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    private Class<?> lookup(String name) throws ClassNotFoundException {
        String pkg = packageOf(name);
        if (VISIBLE_API_PACKAGES.contains(pkg)) {
            return apiLoader.loadClass(name);
        }
        try {
            return getParent().loadClass(name);
        } catch (ClassNotFoundException notJdk) {
            // not a JDK class: an import or our own
        }
        ModuleClassLoader exporter = imports.get(pkg);
        if (exporter != null) {
            return exporter.loadOwnClass(name);
        }
        try {
            return findClass(name);
        } catch (ClassNotFoundException e) {
            if (pkg.equals("io.kmod4j") || pkg.startsWith("io.kmod4j.")) {
                // The runtime's classes (and io.kmod4j.internal) exist, but never for a module.
                throw new ClassNotFoundException(name + " (kmod4j's internals are not visible to module "
                        + moduleName + ")", e);
            }
            throw e;
        }
    }

    /** Loads a class from this module's own JAR only: how importers see an exported package. */
    Class<?> loadOwnClass(String name) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            return c != null ? c : findClass(name);
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        ModuleJar j = jar;
        if (j == null) {
            throw new ClassNotFoundException(name + " (module " + moduleName + " has been unloaded)");
        }
        byte[] bytes = j.entry(name.replace('.', '/') + ".class");
        if (bytes == null) {
            throw new ClassNotFoundException(name + " (not in module " + moduleName + ")");
        }
        String pkg = packageOf(name);
        if (!pkg.isEmpty() && getDefinedPackage(pkg) == null) {
            try {
                definePackage(pkg, null, null, null, null, null, null, null);
            } catch (IllegalArgumentException alreadyDefinedByARace) {
                // another thread defined it first
            }
        }
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    @Override
    protected URL findResource(String name) {
        ModuleJar j = jar;
        if (j == null || !j.contains(name)) {
            return null;
        }
        try {
            return URL.of(new URI("kmod4j", moduleName, "/" + name, null), resources);
        } catch (java.net.URISyntaxException | java.net.MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL u = findResource(name);
        return u == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(u));
    }

    @Override
    public URL getResource(String name) {
        // Own resources first: a module's META-INF files must not be shadowed by the JDK's.
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    /** Defines nothing more and drops the JAR's bytes ({@code free_module}'s part of it). */
    public void close() {
        jar = null;
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return jar == null;
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** Serves {@code kmod4j://module/path} URLs from the JAR's bytes held in memory. */
    private final class JarBytesHandler extends URLStreamHandler {
        @Override
        protected URLConnection openConnection(URL u) throws IOException {
            String path = u.getPath().startsWith("/") ? u.getPath().substring(1) : u.getPath();
            return new URLConnection(u) {
                @Override
                public void connect() {
                    connected = true;
                }

                @Override
                public InputStream getInputStream() throws IOException {
                    ModuleJar j = jar;
                    InputStream in = j == null ? null : j.open(path);
                    if (in == null) {
                        throw new IOException(u + ": not available (module " + moduleName + " unloaded?)");
                    }
                    return in;
                }
            };
        }
    }

    @Override
    public String toString() {
        return getName();
    }
}
