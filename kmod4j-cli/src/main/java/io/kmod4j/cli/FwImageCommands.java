package io.kmod4j.cli;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.devsim.image.ImageException;
import io.kmod4j.devsim.image.ImageHeader;
import io.kmod4j.devsim.image.ImageKeys;
import io.kmod4j.devsim.image.ImagePacker;
import io.kmod4j.devsim.image.Version;
import io.kmod4j.runtime.control.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.HexFormat;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kmod4j fw pack} and {@code kmod4j fw keygen}: firmware images in the emulated flash
 * device's format (kmod4j-devsim's {@code io.kmod4j.devsim.image}) and the Ed25519 keys that sign
 * them. They read and write files only; no daemon is involved.
 */
final class FwImageCommands {

    /** The file names {@code fw keygen} writes in its directory. */
    static final String PRIVATE_KEY = "private.pem";
    static final String PUBLIC_KEY = "public.pem";

    private FwImageCommands() {}

    /** An I/O failure on {@code file} as the errno a kernel would give. */
    static KernelException ioError(String what, Path file, IOException e) {
        return switch (e) {
            case NoSuchFileException x -> new KernelException(Errno.ENOENT, what + " " + file + ": no such file or directory", e);
            case AccessDeniedException x -> new KernelException(Errno.EACCES, what + " " + file + ": permission denied", e);
            case FileAlreadyExistsException x -> new KernelException(Errno.EEXIST, what + " " + file + " exists; refusing to replace it", e);
            default -> new KernelException(Errno.EIO, what + " " + file + ": " + e.getMessage(), e);
        };
    }

    static Path path(LocalVerb verb, String what, String p) {
        try {
            return Path.of(p).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw verb.usage(what + " is not a valid path: " + e.getMessage());
        }
    }

    /**
     * {@code kmod4j fw pack --version X.Y.Z [--key PRIVATE.pem] PAYLOAD OUT}: prints
     * {@code fw pack: OUT: version X.Y.Z, N bytes (payload M bytes, SHA-256 HEX), signed|unsigned}.
     */
    @Command(name = "pack", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Build a firmware image for the emulated flash device: a 128-byte header (magic, version, payload length, "
                        + "SHA-256, optional Ed25519 signature over header and payload), then PAYLOAD. Needs no daemon.",
                "OUT appears complete or not at all. Prints 'fw pack: OUT: version X.Y.Z, N bytes (payload M bytes, SHA-256 HEX), "
                        + "signed|unsigned'; --json prints {\"image\",\"version\",\"imageBytes\",\"payloadBytes\",\"sha256\",\"signed\"}."})
    static final class Pack extends LocalVerb {

        @Option(names = "--version", required = true, paramLabel = "X.Y.Z",
                description = "The image version, major.minor.patch, each 0-65535.")
        String version;

        @Option(names = "--key", paramLabel = "PRIVATE.pem",
                description = "Sign with this Ed25519 private key (PEM or DER PKCS#8, e.g. from fw keygen). Default: unsigned.")
        String key;

        @Parameters(index = "0", paramLabel = "PAYLOAD", description = "The firmware payload file.")
        String payload;

        @Parameters(index = "1", paramLabel = "OUT", description = "Where to write the image; replaced if it exists.")
        String out;

        @Override
        public Integer call() throws KernelException {
            Version v;
            try {
                v = Version.parse(version);
            } catch (IllegalArgumentException e) {
                throw usage("--version: " + e.getMessage());
            }
            Path in = path(this, "PAYLOAD", payload);
            Path image = path(this, "OUT", out);
            Optional<PrivateKey> signer = Optional.empty();
            if (key != null) {
                Path k = path(this, "--key", key);
                try {
                    signer = Optional.of(ImageKeys.readPrivateKey(k));
                } catch (NoSuchFileException | AccessDeniedException e) {
                    throw ioError("key", k, e);
                } catch (IOException e) {
                    throw new KernelException(Errno.EINVAL, e.getMessage(), e);
                }
            }
            long payloadBytes;
            try {
                payloadBytes = Files.size(in);
            } catch (IOException e) {
                throw ioError("payload", in, e);
            }
            ImageHeader header;
            try {
                ImagePacker.packTo(in, v, signer, image);
                byte[] head;
                try (InputStream is = Files.newInputStream(image)) {
                    head = is.readNBytes(ImageHeader.SIZE);
                }
                header = ImageHeader.parse(head);
            } catch (IOException e) {
                throw ioError("image", image, e);
            } catch (ImageException e) {
                throw new KernelException(Errno.EIO, "the image written to " + image + " has a bad header: " + e.getMessage(), e);
            }
            String sha = HexFormat.of().formatHex(header.payloadSha256());
            long imageBytes = payloadBytes + ImageHeader.SIZE;
            if (json) {
                printJson(Json.ordered("image", image.toString(), "version", v.toString(),
                        "imageBytes", imageBytes, "payloadBytes", payloadBytes, "sha256", sha, "signed", signer.isPresent()));
            } else {
                out().println(verb() + ": " + out + ": version " + v + ", " + imageBytes + " bytes (payload " + payloadBytes
                        + " bytes, SHA-256 " + sha + "), " + (signer.isPresent() ? "signed" : "unsigned"));
                out().flush();
            }
            return Kmod4j.EXIT_OK;
        }
    }

    /**
     * {@code kmod4j fw keygen DIR}: writes {@code DIR/private.pem} (mode 0600) and
     * {@code DIR/public.pem}; refuses to replace either.
     */
    @Command(name = "keygen", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Generate an Ed25519 key pair for signing images: DIR/" + PRIVATE_KEY + " (PKCS#8 PEM, readable by you only; "
                        + "fw pack --key) and DIR/" + PUBLIC_KEY + " (X.509 PEM; devsim --trusted-key). Needs no daemon.",
                "DIR is created if missing. Fails with EEXIST rather than replace a key.",
                "--json prints {\"privateKey\",\"publicKey\",\"algorithm\"}."})
    static final class Keygen extends LocalVerb {

        @Parameters(index = "0", paramLabel = "DIR", description = "The directory for the two key files.")
        String dir;

        @Override
        public Integer call() throws KernelException {
            Path d = path(this, "DIR", dir);
            Path priv = d.resolve(PRIVATE_KEY);
            Path pub = d.resolve(PUBLIC_KEY);
            for (Path p : new Path[] {priv, pub}) {
                if (Files.exists(p)) {
                    throw new KernelException(Errno.EEXIST, "key " + p + " exists; refusing to replace it");
                }
            }
            try {
                Files.createDirectories(d);
            } catch (IOException e) {
                throw ioError("directory", d, e);
            }
            KeyPair keys = ImageKeys.generate();
            try {
                ImageKeys.writePrivateKey(priv, keys.getPrivate());
            } catch (IOException e) {
                throw ioError("key", priv, e);
            }
            try {
                ImageKeys.writePublicKey(pub, keys.getPublic());
            } catch (IOException e) {
                throw ioError("key", pub, e);
            }
            if (json) {
                printJson(Json.ordered("privateKey", priv.toString(), "publicKey", pub.toString(),
                        "algorithm", ImageKeys.ALGORITHM));
            } else {
                out().println(verb() + ": " + priv + ": Ed25519 private key; keep it secret, sign with fw pack --key");
                out().println(verb() + ": " + pub + ": Ed25519 public key; give it to the device (devsim --trusted-key)");
                out().flush();
            }
            return Kmod4j.EXIT_OK;
        }
    }
}
