package io.kmod4j.runtime.module;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.ModInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * A module JAR read whole into memory. The file is opened, read and closed before any class is
 * defined, so no file handle stays open while the module is loaded: the JAR can be deleted or
 * replaced at any time, as a {@code .ko} can after {@code insmod}.
 *
 * <p>Reading is capped ({@link #MAX_ENTRIES}, {@link #MAX_BYTES}) so a hostile archive fails with a
 * clear error instead of exhausting the heap. Immutable after {@link #read}.
 */
public final class ModuleJar {

    /** Most entries a module JAR may have. */
    public static final int MAX_ENTRIES = 65_536;
    /** Most uncompressed bytes a module JAR may hold. */
    public static final long MAX_BYTES = 256L * 1024 * 1024;

    private final Path file;
    private final long size;
    private final String sha256;
    private final Map<String, byte[]> entries;
    private final Manifest manifest;
    private final ModInfo info;

    private ModuleJar(Path file, long size, String sha256, Map<String, byte[]> entries, Manifest manifest, ModInfo info) {
        this.file = file;
        this.size = size;
        this.sha256 = sha256;
        this.entries = entries;
        this.manifest = manifest;
        this.info = info;
    }

    /**
     * Reads a module JAR and its metadata.
     *
     * @throws KernelException {@code ENOENT} if the file does not exist, {@code EIO} if it cannot be
     *     read, {@code ENOEXEC} if it is not a ZIP or has no valid metadata, {@code EFBIG} if it
     *     exceeds the caps
     */
    public static ModuleJar read(Path file) throws KernelException {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new KernelException(Errno.EISDIR, file + ": is a directory, not a module JAR");
            }
            long len = Files.size(file);
            if (len > MAX_BYTES) {
                throw new KernelException(Errno.EFBIG, file + ": " + len + " bytes, more than a module may be ("
                        + MAX_BYTES + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KernelException(Errno.ENOENT, file + ": no such file");
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, file + ": cannot read: " + e.getMessage(), e);
        }
        Map<String, byte[]> entries = unzip(file, bytes);
        byte[] modinfo = entries.get(ModInfoParser.ENTRY);
        if (modinfo == null) {
            throw new KernelException(Errno.ENOEXEC, file + ": not a kmod4j module: no " + ModInfoParser.ENTRY
                    + " (was it built with the kmod4j-modpost annotation processor?)");
        }
        ModInfo info = ModInfoParser.parse(file, new String(modinfo, StandardCharsets.UTF_8));
        Manifest manifest = null;
        byte[] mf = entries.get("META-INF/MANIFEST.MF");
        if (mf != null) {
            try {
                manifest = new Manifest(new ByteArrayInputStream(mf));
            } catch (IOException e) {
                throw new KernelException(Errno.ENOEXEC, file + ": unreadable META-INF/MANIFEST.MF: " + e.getMessage());
            }
        }
        return new ModuleJar(file, bytes.length, sha256(bytes), entries, manifest, info);
    }

    /**
     * Reads only a JAR's metadata, as {@code modinfo} and {@code depmod} do: no class is read.
     *
     * @throws KernelException as {@link #read}
     */
    public static ModInfo readInfo(Path file) throws KernelException {
        if (!Files.isRegularFile(file)) {
            throw new KernelException(Files.exists(file) ? Errno.EISDIR : Errno.ENOENT,
                    file + (Files.exists(file) ? ": is not a regular file" : ": no such file"));
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(ModInfoParser.ENTRY);
            if (e == null) {
                throw new KernelException(Errno.ENOEXEC, file + ": not a kmod4j module: no " + ModInfoParser.ENTRY
                        + " (was it built with the kmod4j-modpost annotation processor?)");
            }
            if (e.getSize() > 1024 * 1024) {
                throw new KernelException(Errno.EFBIG, file + ": " + ModInfoParser.ENTRY + " is larger than 1 MiB");
            }
            try (InputStream in = zip.getInputStream(e)) {
                byte[] text = in.readNBytes(1024 * 1024 + 1);
                if (text.length > 1024 * 1024) {
                    throw new KernelException(Errno.EFBIG, file + ": " + ModInfoParser.ENTRY + " is larger than 1 MiB");
                }
                return ModInfoParser.parse(file, new String(text, StandardCharsets.UTF_8));
            }
        } catch (ZipException e) {
            throw new KernelException(Errno.ENOEXEC, file + ": not a valid JAR: " + e.getMessage());
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Map<String, byte[]> unzip(Path file, byte[] bytes) throws KernelException {
        Map<String, byte[]> entries = new HashMap<>();
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            byte[] buf = new byte[64 * 1024];
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                if (entries.size() >= MAX_ENTRIES) {
                    throw new KernelException(Errno.EFBIG, file + ": more than " + MAX_ENTRIES + " entries");
                }
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                int n;
                while ((n = zip.read(buf)) > 0) {
                    total += n;
                    if (total > MAX_BYTES) {
                        throw new KernelException(Errno.EFBIG, file + ": expands to more than " + MAX_BYTES
                                + " bytes (at entry " + e.getName() + ")");
                    }
                    out.write(buf, 0, n);
                }
                entries.put(e.getName(), out.toByteArray());
            }
        } catch (ZipException e) {
            throw new KernelException(Errno.ENOEXEC, file + ": not a valid JAR: " + e.getMessage());
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, file + ": cannot read: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new KernelException(Errno.ENOEXEC, file + ": not a valid JAR: no entries");
        }
        return entries;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is required of every JDK", e);
        }
    }

    /** The file it was read from. */
    public Path file() {
        return file;
    }

    /** Size of the JAR file in bytes: {@code lsmod}'s Size column. */
    public long size() {
        return size;
    }

    /** SHA-256 of the JAR file, hex: {@code srcversion}'s role. */
    public String sha256() {
        return sha256;
    }

    /** The module's metadata. */
    public ModInfo info() {
        return info;
    }

    /** The manifest, or null. */
    public Manifest manifest() {
        return manifest;
    }

    /** An entry's bytes, or null. The array is shared: do not modify it. */
    byte[] entry(String name) {
        return entries.get(name);
    }

    /** An entry as a stream, or null. */
    InputStream open(String name) {
        byte[] b = entries.get(name);
        return b == null ? null : new ByteArrayInputStream(b);
    }

    boolean contains(String name) {
        return entries.containsKey(name);
    }
}
