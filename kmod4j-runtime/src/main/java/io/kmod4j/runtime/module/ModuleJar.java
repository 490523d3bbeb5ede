package io.kmod4j.runtime.module;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.ModInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.SoftReference;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Predicate;
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
 * clear error instead of exhausting the heap. Immutable after {@link #read}; reading the same
 * bytes from the same path again reuses the earlier parse (see {@link #RECENT}).
 */
public final class ModuleJar {

    /** Most entries a module JAR may have. */
    public static final int MAX_ENTRIES = 65_536;
    /** Most uncompressed bytes a module JAR may hold. */
    public static final long MAX_BYTES = 256L * 1024 * 1024;

    private final Path file;
    private final long size;
    private final String sha256;
    private final Parsed parsed;

    private ModuleJar(Path file, long size, String sha256, Parsed parsed) {
        this.file = file;
        this.size = size;
        this.sha256 = sha256;
        this.parsed = parsed;
    }

    /**
     * What reading a JAR's bytes yields: its entries, manifest, metadata and its location as a
     * URL. The same bytes at the same path always yield the same {@code Parsed}, which is what
     * lets {@link #RECENT} hand it out again. Immutable.
     */
    private record Parsed(Map<String, byte[]> entries, Manifest manifest, ModInfo info, URL location) {}

    /** Largest JAR whose parsed contents are remembered for the next load of the same bytes. */
    static final long MAX_REMEMBERED_BYTES = 8L * 1024 * 1024;

    /**
     * The last parse of each of the few most recently read JARs, by absolute path, checked
     * against the SHA-256 of the bytes just read: loading the same module again (an
     * insmod/rmmod cycle, a reload after a crash) skips unzipping and parsing; the file itself
     * is still read and hashed every time, so a JAR that changed on disk, even with the same
     * size and time stamp, has another hash and is parsed again. Soft values:
     * under memory pressure the collector may drop them. Holds bytes and metadata only, no
     * class and no class loader, so it can never keep an unloaded module alive.
     */
    private static final Map<Path, SoftReference<Remembered>> RECENT = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, SoftReference<Remembered>> eldest) {
            return size() > 16;
        }
    };

    private record Remembered(String sha256, Parsed parsed) {}

    private static Parsed remembered(Path absolute, String sha256) {
        synchronized (RECENT) {
            SoftReference<Remembered> ref = RECENT.get(absolute);
            Remembered r = ref == null ? null : ref.get();
            return r != null && r.sha256().equals(sha256) ? r.parsed() : null;
        }
    }

    private static void remember(Path absolute, String sha256, Parsed parsed) {
        synchronized (RECENT) {
            RECENT.put(absolute, new SoftReference<>(new Remembered(sha256, parsed)));
        }
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
        String sha256 = sha256(bytes);
        Path absolute = file.toAbsolutePath().normalize();
        Parsed parsed = remembered(absolute, sha256);
        if (parsed == null) {
            parsed = parse(file, absolute, bytes);
            if (bytes.length <= MAX_REMEMBERED_BYTES) {
                remember(absolute, sha256, parsed);
            }
        }
        return new ModuleJar(file, bytes.length, sha256, parsed);
    }

    private static Parsed parse(Path file, Path absolute, byte[] bytes) throws KernelException {
        Map<String, byte[]> entries = unzip(file, new ByteArrayInputStream(bytes), name -> true, MAX_BYTES);
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
        URL location;
        try {
            location = absolute.toUri().toURL();
        } catch (java.net.MalformedURLException | IllegalArgumentException e) {
            location = null;
        }
        return new Parsed(Collections.unmodifiableMap(entries), manifest, info, location);
    }

    /**
     * Reads only a JAR's metadata, as {@code modinfo} and {@code depmod} do: no class is kept.
     *
     * <p>The JAR is read as {@link #read} reads it, entry after entry, so that {@code modinfo} and
     * {@code depmod} describe exactly the module {@code insmod} would load. A ZIP's central
     * directory ({@link java.util.zip.ZipFile}) can disagree with its local entries: an archive
     * may carry a second {@value ModInfoParser#ENTRY} that only the stream sees, and a reader of
     * the directory would then index one module while another loads. (Found by kmod4j-fuzz,
     * ModuleMetadataFuzzTest#moduleJar.)
     *
     * @throws KernelException as {@link #read}; also {@code EFBIG} if the metadata exceeds 1 MiB
     */
    public static ModInfo readInfo(Path file) throws KernelException {
        if (!Files.isRegularFile(file)) {
            throw new KernelException(Files.exists(file) ? Errno.EISDIR : Errno.ENOENT,
                    file + (Files.exists(file) ? ": is not a regular file" : ": no such file"));
        }
        Map<String, byte[]> entries;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            entries = unzip(file, in, ModInfoParser.ENTRY::equals, MAX_MODINFO_BYTES);
        } catch (NoSuchFileException e) {
            throw new KernelException(Errno.ENOENT, file + ": no such file");
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, file + ": cannot read: " + e.getMessage(), e);
        }
        byte[] text = entries.get(ModInfoParser.ENTRY);
        if (text == null) {
            throw new KernelException(Errno.ENOEXEC, file + ": not a kmod4j module: no " + ModInfoParser.ENTRY
                    + " (was it built with the kmod4j-modpost annotation processor?)");
        }
        return ModInfoParser.parse(file, new String(text, StandardCharsets.UTF_8));
    }

    /** The largest metadata {@link #readInfo} accepts. */
    private static final int MAX_MODINFO_BYTES = 1024 * 1024;

    /**
     * Reads a ZIP entry after entry, keeping the entries {@code keep} accepts (a later entry of
     * the same name replaces an earlier one). Every entry counts against the caps, kept or not.
     *
     * @throws KernelException {@code EFBIG} beyond {@link #MAX_ENTRIES}, {@link #MAX_BYTES}, or
     *     {@code maxKept} bytes in one kept entry; {@code ENOEXEC} not a ZIP or no entry at all;
     *     {@code EIO} reading failed
     */
    private static Map<String, byte[]> unzip(Path file, InputStream in, Predicate<String> keep, long maxKept)
            throws KernelException {
        Map<String, byte[]> entries = new HashMap<>();
        long total = 0;
        int count = 0;
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            byte[] buf = new byte[64 * 1024];
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                if (++count > MAX_ENTRIES) {
                    throw new KernelException(Errno.EFBIG, file + ": more than " + MAX_ENTRIES + " entries");
                }
                boolean kept = keep.test(e.getName());
                java.io.ByteArrayOutputStream out = kept ? new java.io.ByteArrayOutputStream() : null;
                int n;
                while ((n = zip.read(buf)) > 0) {
                    total += n;
                    if (total > MAX_BYTES) {
                        throw new KernelException(Errno.EFBIG, file + ": expands to more than " + MAX_BYTES
                                + " bytes (at entry " + e.getName() + ")");
                    }
                    if (kept) {
                        if (out.size() + n > maxKept) {
                            throw new KernelException(Errno.EFBIG, file + ": " + e.getName() + " is larger than "
                                    + maxKept + " bytes");
                        }
                        out.write(buf, 0, n);
                    }
                }
                if (kept) {
                    entries.put(e.getName(), out.toByteArray());
                }
            }
        } catch (ZipException e) {
            throw new KernelException(Errno.ENOEXEC, file + ": not a valid JAR: " + e.getMessage());
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, file + ": cannot read: " + e.getMessage(), e);
        }
        if (count == 0) {
            throw new KernelException(Errno.ENOEXEC, file + ": not a valid JAR: no entries");
        }
        return entries;
    }

    // Looking the algorithm up among the security providers costs more than hashing a small JAR;
    // a clone of one looked-up digest does not.
    private static final MessageDigest SHA_256;

    static {
        try {
            SHA_256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is required of every JDK", e);
        }
    }

    private static String sha256(byte[] bytes) {
        MessageDigest md;
        try {
            md = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException impossible) {
                throw new AssertionError("SHA-256 is required of every JDK", impossible);
            }
        }
        return HexFormat.of().formatHex(md.digest(bytes));
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
        return parsed.info();
    }

    /** The manifest, or null. Shared by every read of the same bytes: do not modify it. */
    public Manifest manifest() {
        return parsed.manifest();
    }

    /** The file as a URL, the code source of the module's classes; null if it has none. */
    URL location() {
        return parsed.location();
    }

    /** An entry's bytes, or null. The array is shared: do not modify it. */
    byte[] entry(String name) {
        return parsed.entries().get(name);
    }

    /** An entry as a stream, or null. */
    InputStream open(String name) {
        byte[] b = parsed.entries().get(name);
        return b == null ? null : new ByteArrayInputStream(b);
    }

    boolean contains(String name) {
        return parsed.entries().containsKey(name);
    }
}
