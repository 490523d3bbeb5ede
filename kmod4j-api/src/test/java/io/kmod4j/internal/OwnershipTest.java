package io.kmod4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.testing.TestOwner;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Who owns what unbound code creates: the module whose loader defined the caller, else the kernel.
 * The stack is only walked once some {@link OwnedClassLoader} exists.
 */
class OwnershipTest {

    /** Asks for the current owner from its own frame; defined a second time by {@link ModuleLoader}. */
    public static final class Caller implements Supplier<Owner> {
        @Override
        public Owner get() {
            return Ownership.current();
        }
    }

    /** A module's loader in miniature: defines {@link Caller} itself, owned by {@code owner}. */
    private static final class ModuleLoader extends ClassLoader implements OwnedClassLoader {
        private final Owner owner;

        ModuleLoader(Owner owner) {
            super("test-module", OwnershipTest.class.getClassLoader());
            Ownership.ownedLoaderCreated();
            this.owner = owner;
        }

        @Override
        public Owner owner() {
            return owner;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(Caller.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c != null) {
                    return c;
                }
                try (InputStream in = OwnershipTest.class.getResourceAsStream("OwnershipTest$Caller.class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }

    @Test
    void hostCodeWithNothingBoundIsOwnedByTheKernel() {
        assertThat(new Caller().get()).isSameAs(KernelOwner.INSTANCE);
    }

    @Test
    void codeDefinedByAnOwnedLoaderIsOwnedByItsModule() throws Exception {
        TestOwner module = new TestOwner("walked");
        @SuppressWarnings("unchecked")
        Supplier<Owner> moduleCaller = (Supplier<Owner>) new ModuleLoader(module)
                .loadClass(Caller.class.getName()).getDeclaredConstructor().newInstance();
        assertThat(moduleCaller.getClass().getClassLoader()).isInstanceOf(ModuleLoader.class);

        assertThat(moduleCaller.get()).as("found by walking to the module's frame").isSameAs(module);
        assertThat(new Caller().get()).as("host code stays the kernel's").isSameAs(KernelOwner.INSTANCE);
    }

    @Test
    void aBoundOwnerWinsOverTheStack() throws Exception {
        TestOwner bound = new TestOwner("bound");
        assertThat(bound.call(() -> new Caller().get())).isSameAs(bound);
    }
}
