package io.kmod4j.fuzz;

import com.github.luben.zstd.Zstd;
import io.kmod4j.devsim.image.ImagePacker;
import io.kmod4j.devsim.image.Version;
import io.kmod4j.tftp.Opcode;
import io.kmod4j.tftp.TftpPacket;
import io.kmod4j.tftp.TftpPacket.Ack;
import io.kmod4j.tftp.TftpPacket.Data;
import io.kmod4j.tftp.TftpPacket.ErrorPacket;
import io.kmod4j.tftp.TftpPacket.OptionAck;
import io.kmod4j.tftp.TftpPacket.Request;
import io.kmod4j.tftp.TransferMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Writes the committed seed corpus: meaningful, valid inputs for every fuzz target (and a few
 * near misses), into each target's inputs directory
 * {@code src/test/resources/<package>/<Class>Inputs/<method>/}, where Jazzer runs them in
 * regression mode and starts fuzzing from them. Seeds are generated rather than hand-edited
 * because most are binary (JARs, compressed files, images, datagrams in {@link Frames}).
 *
 * <p>Run only on request, from the repository root:
 * {@code ./build mvn -pl kmod4j-fuzz test -Dtest=SeedCorpus -Dkmod4j.fuzz.writeSeeds=true}.
 * Existing seeds of the same name are overwritten; others (kept crash inputs) are left alone.
 */
@EnabledIfSystemProperty(named = "kmod4j.fuzz.writeSeeds", matches = "true")
class SeedCorpus {

    private static final Path RESOURCES = Path.of("src/test/resources");
    private static final long FIXED_TIME = 1_767_225_600_000L; // 2026-01-01
    private static final String HELLO = """
            name=hello
            entry=io.kmod4j.examples.hello.Hello
            license=GPL
            version=1.0
            description=The classic sample: a one-shot kthread, no completion
            author=kmod4j team
            depends=
            parm=count:how many greetings
            parmtype=count:int
            parmdefault=count:1
            parmperm=count:0444
            parmfield=count:count
            exit=true
            vermagic=kmod4j-api 0.1
            """;
    private static final String MINIMAL = "name=m\nentry=a.B\nlicense=GPL\nvermagic=kmod4j-api 0.1\n";
    private static final String ALL_TYPES = MINIMAL + """
            parmtype=b:bool
            parmdefault=b:y
            parmtype=ib:invbool
            parmtype=c:byte
            parmdefault=c:0377
            parmtype=s:short
            parmdefault=s:-32768
            parmtype=us:ushort
            parmtype=i:int
            parmdefault=i:0x7fffffff
            parmtype=u:uint
            parmtype=l:long
            parmdefault=l:-9223372036854775808
            parmtype=ul:ulong
            parmdefault=ul:18446744073709551615
            parmtype=h:hexint
            parmdefault=h:0xdeadbeef
            parmtype=p:charp
            parmdefault=p:hello
            parmperm=p:0644
            parmtype=a:array of int
            parmdefault=a:1,2,3
            parmtype=ap:array of charp
            """;

    @Test
    void write() throws Exception {
        modinfo();
        moduleJar();
        params();
        firmware();
        images();
        tftpPackets();
        tftpClient();
        tftpServer();
        control();
        json();
    }

    // ------------------------------------------------------------------ module metadata

    private void modinfo() throws IOException {
        Target t = new Target(ModuleMetadataFuzzTest.class, "modinfo");
        t.text("hello", HELLO);
        t.text("minimal", MINIMAL);
        t.text("every-param-type", ALL_TYPES);
        t.text("depends-aliases-firmware-exports", MINIMAL + "depends=a, b-c,d_e\nalias=of:kmod4j,tftp-flash\n"
                + "firmware=kmod4j/flash.img\nexport=io.kmod4j.x\nexport=io.kmod4j.y\nauthor=one\nauthor=two\n");
        t.text("comments-blank-crlf", "# built by hand\r\n\r\nname=crlf\r\nentry=a.b.C$Inner\r\nlicense=Dual MIT/GPL\r\n"
                + "vermagic=kmod4j-api 0.1\r\nunknown-key=kept\r\n");
        t.text("permanent", MINIMAL + "exit=false\n");
        t.text("missing-name", "entry=a.B\nlicense=GPL\nvermagic=kmod4j-api 0.1\n");
        t.text("duplicate-key", MINIMAL + "version=1\nversion=2\n");
        t.text("param-without-type", MINIMAL + "parm=x:no type\n");
        t.text("bad-perm", MINIMAL + "parmtype=x:int\nparmperm=x:999\n");
    }

    private void moduleJar() throws IOException {
        Target t = new Target(ModuleMetadataFuzzTest.class, "moduleJar");
        t.bytes("minimal", jar(Map.of("META-INF/kmod4j/modinfo", MINIMAL), false, true));
        t.bytes("minimal-stored", jar(Map.of("META-INF/kmod4j/modinfo", MINIMAL), false, false));
        t.bytes("hello-with-manifest-and-class", jar(Map.of("META-INF/kmod4j/modinfo", HELLO,
                "io/kmod4j/examples/hello/Hello.class", "\u00ca\u00fe\u00ba\u00be"), true, true));
        t.bytes("no-modinfo", jar(Map.of("a.txt", "not a module"), true, true));
        t.bytes("bad-modinfo", jar(Map.of("META-INF/kmod4j/modinfo", "name=?\n"), false, true));
        t.bytes("empty-zip", new byte[] {0x50, 0x4b, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        // Two entries of the same name, as Python's zipfile writes them (Java's writer refuses).
        t.bytes("modinfo-twice", concat(jar(Map.of("META-INF/kmod4j/modinfo", MINIMAL), false, false),
                jar(Map.of("META-INF/kmod4j/modinfo", HELLO), false, false)));
    }

    /**
     * One archive holding the entries of several: their local entries one after the other, then
     * their central directories (offsets moved), then one end record. No comment, no ZIP64.
     */
    private static byte[] concat(byte[]... zips) {
        ByteArrayOutputStream loc = new ByteArrayOutputStream();
        ByteArrayOutputStream cen = new ByteArrayOutputStream();
        int count = 0;
        for (byte[] z : zips) {
            ByteBuffer b = ByteBuffer.wrap(z).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int eocd = z.length - 22;
            int entries = Short.toUnsignedInt(b.getShort(eocd + 10));
            int cenSize = b.getInt(eocd + 12);
            int cenOff = b.getInt(eocd + 16);
            int base = loc.size();
            loc.write(z, 0, cenOff);
            byte[] dir = java.util.Arrays.copyOfRange(z, cenOff, cenOff + cenSize);
            ByteBuffer d = ByteBuffer.wrap(dir).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int at = 0, i = 0; i < entries; i++) {
                d.putInt(at + 42, d.getInt(at + 42) + base);
                at += 46 + Short.toUnsignedInt(d.getShort(at + 28)) + Short.toUnsignedInt(d.getShort(at + 30))
                        + Short.toUnsignedInt(d.getShort(at + 32));
            }
            cen.writeBytes(dir);
            count += entries;
        }
        ByteBuffer end = ByteBuffer.allocate(22).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count)
                .putShort((short) count).putInt(cen.size()).putInt(loc.size()).putShort((short) 0);
        loc.writeBytes(cen.toByteArray());
        loc.writeBytes(end.array());
        return loc.toByteArray();
    }

    private static byte[] jar(Map<String, String> entries, boolean manifest, boolean deflate) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        Manifest mf = new Manifest();
        mf.getMainAttributes().putValue("Manifest-Version", "1.0");
        mf.getMainAttributes().putValue("Implementation-Version", "1.0");
        try (JarOutputStream jar = new JarOutputStream(bo)) {
            jar.setLevel(deflate ? 9 : 0);
            if (manifest) { // written by hand: JarOutputStream(out, manifest) stamps it with the time
                JarEntry me = new JarEntry("META-INF/MANIFEST.MF");
                me.setTime(FIXED_TIME);
                jar.putNextEntry(me);
                mf.write(jar);
                jar.closeEntry();
            }
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(entries).entrySet()) {
                byte[] content = e.getValue().getBytes(StandardCharsets.ISO_8859_1);
                JarEntry je = new JarEntry(e.getKey());
                je.setTime(FIXED_TIME); // the same bytes at every regeneration
                if (!deflate) {
                    je.setMethod(JarEntry.STORED);
                    je.setSize(content.length);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(content);
                    je.setCrc(crc.getValue());
                }
                jar.putNextEntry(je);
                jar.write(content);
                jar.closeEntry();
            }
        }
        return bo.toByteArray();
    }

    // ------------------------------------------------------------------ parameters

    private void params() throws IOException {
        Target t = new Target(ModuleParamsFuzzTest.class, "resolve");
        t.frames("defaults-of-every-type", ALL_TYPES.substring(MINIMAL.length()));
        t.frames("given-values", ALL_TYPES.substring(MINIMAL.length()), "i=-17", "h=0X1f", "ul=0", "b", "ib=off",
                "p=a string with spaces", "a=0x10,010,-3", "ap=x,,y", "c=255", "us=65535");
        t.frames("unknown-and-repeated", "parmtype=n:int\n", "n=1", "n=2", "nosuch=3", "other");
        t.frames("out-of-range", "parmtype=c:byte\nparmtype=u:uint\n", "c=256", "u=-1");
        t.frames("not-a-number", "parmtype=i:int\n", "i=12abc");
        t.frames("bare-int", "parmtype=i:int\n", "i");
        Target v = new Target(ModuleParamsFuzzTest.class, "parseValue");
        String[][] values = {{"BOOL", "Y"}, {"INVBOOL", "no"}, {"BYTE", "0377"}, {"SHORT", "-32768"},
            {"USHORT", "65535"}, {"INT", "-2147483648"}, {"UINT", "4294967295"}, {"LONG", "9223372036854775807"},
            {"ULONG", "18446744073709551615"}, {"HEXINT", "0xdeadbeef"}, {"CHARP", "hello"}};
        for (String[] tv : values) {
            int ordinal = io.kmod4j.runtime.module.ParamType.valueOf(tv[0]).ordinal();
            v.bytes(tv[0].toLowerCase() + "-" + tv[1].replaceAll("[^A-Za-z0-9]", ""),
                    cat(new byte[] {(byte) ordinal}, tv[1].getBytes(StandardCharsets.UTF_8)));
        }
        v.bytes("bool-bare", new byte[] {(byte) (0x80 | io.kmod4j.runtime.module.ParamType.BOOL.ordinal())});
        Target n = new Target(ModuleParamsFuzzTest.class, "parseTypeName");
        n.text("int", "int");
        n.text("array-of-charp", "array of charp");
        n.text("padded-ulong", "  ulong ");
        n.text("unknown", "float");
    }

    // ------------------------------------------------------------------ firmware

    private void firmware() throws IOException {
        Target t = new Target(FirmwareFuzzTest.class, "request");
        String[] names = {"a.bin", "dir/b.bin", "c.bin", "d.bin", "e.bin", "dir/sub/deep.bin", "z.bin", "x.bin",
            "link-in", "dir/link-up", "link-out", "link-abs", "link-dir/secret.bin", "../outside/secret.bin",
            "dir/../a.bin", "adir.bin", "empty.bin", "link-loop", "link-dangling", "nosuch.bin", "./a.bin",
            "dir//b.bin", "/etc/passwd"};
        for (String name : names) {
            t.bytes("request-" + name.replaceAll("[^A-Za-z0-9.]+", "_"), cat(new byte[] {0, 0}, utf8(name)));
        }
        t.bytes("into-buffer-a.bin", cat(new byte[] {1, 16}, utf8("a.bin")));
        t.bytes("into-too-small-buffer", cat(new byte[] {1, 1}, utf8("dir/b.bin")));
        t.bytes("warn-link-out", cat(new byte[] {2, 0}, utf8("link-out")));

        Target c = new Target(FirmwareFuzzTest.class, "compressed");
        byte[] text = utf8("firmware payload ".repeat(20));
        c.bytes("zst-valid", cat(new byte[] {0}, Zstd.compress(text)));
        c.bytes("xz-valid", cat(new byte[] {1}, xz(text, 1)));
        c.bytes("zst-bomb-over-the-cap", cat(new byte[] {0}, Zstd.compress(new byte[(1 << 20) + 1])));
        c.bytes("xz-bomb-over-the-cap", cat(new byte[] {1}, xz(new byte[(1 << 20) + 1], 1)));
        c.bytes("xz-needs-more-memory", cat(new byte[] {1}, xz(text, 6)));
        byte[] zst = Zstd.compress(text);
        c.bytes("zst-truncated", cat(new byte[] {0}, java.util.Arrays.copyOf(zst, zst.length / 2)));
        c.bytes("zst-empty-frame", cat(new byte[] {0}, Zstd.compress(new byte[0])));
        c.bytes("not-compressed", cat(new byte[] {1}, text));
    }

    private static byte[] xz(byte[] data, int preset) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream z = new XZOutputStream(bo, new LZMA2Options(preset))) {
            z.write(data);
        }
        return bo.toByteArray();
    }

    // ------------------------------------------------------------------ images

    private void images() throws IOException {
        Target t = new Target(ImageFuzzTest.class, "verify");
        byte[] payload = utf8("a small firmware payload");
        byte[] unsigned = ImagePacker.pack(payload, new Version(1, 2, 3), Optional.empty());
        byte[] signed = ImagePacker.pack(payload, new Version(2, 0, 0),
                Optional.of(ImageFuzzTest.deterministicKeys().getPrivate()));
        t.bytes("unsigned-valid", cat(new byte[] {0}, unsigned));
        t.bytes("signed-by-the-trusted-key", cat(new byte[] {4}, signed));
        t.bytes("unsigned-to-a-trusting-device", cat(new byte[] {4}, unsigned));
        t.bytes("harness-signs", cat(new byte[] {4 | 8}, unsigned));
        byte[] corrupt = unsigned.clone();
        corrupt[corrupt.length - 1] ^= 1;
        t.bytes("payload-corrupted", cat(new byte[] {0}, corrupt));
        t.bytes("payload-corrupted-hash-fixed", cat(new byte[] {1 | 2}, corrupt));
        t.bytes("header-only", cat(new byte[] {0}, java.util.Arrays.copyOf(unsigned, 128)));
        t.bytes("truncated-header", cat(new byte[] {0}, java.util.Arrays.copyOf(unsigned, 60)));

        Target b = new Target("io.kmod4j.devsim.flash", "BootRecordFuzzTest", "decode");
        ByteBuffer r = ByteBuffer.allocate(20).put(utf8("KBR1")).putLong(7).put((byte) 1).put((byte) 1).put((byte) 2)
                .put((byte) 0);
        b.bytes("trial-of-a-falling-back-to-b", cat(new byte[] {1}, r.array()));
        b.bytes("torn", cat(new byte[] {0}, java.util.Arrays.copyOf(r.array(), 11)));
    }

    // ------------------------------------------------------------------ tftp

    private static byte[] enc(TftpPacket p) {
        ByteBuffer b = p.encode();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static Map<String, String> opts(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static byte[] data(int block, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) block);
        return enc(Data.of(block, b));
    }

    private void tftpPackets() throws IOException {
        Target t = new Target(TftpPacketFuzzTest.class, "decode");
        t.bytes("rrq-octet", enc(new Request(Opcode.RRQ, "fw.bin", TransferMode.OCTET, Map.of())));
        t.bytes("rrq-options", enc(new Request(Opcode.RRQ, "fw.bin", TransferMode.OCTET,
                opts("blksize", "1468", "tsize", "0", "timeout", "3", "windowsize", "16"))));
        t.bytes("wrq-netascii", enc(new Request(Opcode.WRQ, "up.bin", TransferMode.NETASCII, opts("tsize", "1024"))));
        t.bytes("data", data(1, 100));
        t.bytes("data-empty", enc(Data.of(65535, new byte[0])));
        t.bytes("ack", enc(new Ack(7)));
        t.bytes("error", enc(new ErrorPacket(ErrorPacket.FILE_NOT_FOUND, "file not found")));
        t.bytes("error-empty-message", enc(new ErrorPacket(0, "")));
        t.bytes("oack", enc(new OptionAck(opts("blksize", "512", "windowsize", "4"))));
        t.bytes("rrq-mail", utf8("\u0000\u0001fw.bin\u0000mail\u0000"));
        t.bytes("rrq-unterminated", utf8("\u0000\u0001fw.bin\u0000octet"));
        t.bytes("opcode-7", new byte[] {0, 7, 0, 0});
    }

    /** A client transfer: config record, then the server's datagrams (sender selector + bytes). */
    private void tftpClient() throws IOException {
        Target t = new Target(TftpClientFuzzTest.class, "transfer");
        // upload of 1000 bytes, size known, no options: ACK 0, ACK 1, ACK 2
        t.frames("upload-rfc1350", cfg(1 | 2, 0, 1000), srv(enc(new Ack(0))), srv(enc(new Ack(1))),
                srv(enc(new Ack(2))));
        // upload with recommended options (blksize 1468, windowsize 16, tsize)
        t.frames("upload-negotiated", cfg(1 | 2, 1, 1000),
                srv(enc(new OptionAck(opts("blksize", "1468", "tsize", "1000", "windowsize", "16")))),
                srv(enc(new Ack(1))));
        // upload of 40 bytes in 8-byte blocks, window 4: 6 blocks (the last empty)
        t.frames("upload-window", cfg(1 | 2, 3, 40), srv(enc(new OptionAck(opts("blksize", "8", "windowsize", "4")))),
                srv(enc(new Ack(4))), srv(enc(new Ack(6))));
        t.frames("upload-refused", cfg(1, 0, 100), srv(enc(new ErrorPacket(2, "access violation"))));
        t.frames("upload-options-refused", cfg(1 | 2, 1, 10), srv(enc(new ErrorPacket(8, "no options"))),
                srv(enc(new Ack(0))), srv(enc(new Ack(1))));
        t.frames("upload-stranger", cfg(1 | 2, 0, 10), srv(enc(new Ack(0))), sel(1, enc(new Ack(1))),
                sel(3, enc(new Ack(1))), srv(enc(new Ack(1))));
        t.frames("download-rfc1350", cfg(0, 0, 0), srv(data(1, 512)), srv(data(2, 10)));
        t.frames("download-negotiated", cfg(0, 4, 0), srv(enc(new OptionAck(opts("timeout", "3", "tsize", "7")))),
                srv(data(1, 7)));
        t.frames("download-oack-not-asked", cfg(0, 0, 0), srv(enc(new OptionAck(opts("blksize", "8")))));
        t.frames("download-not-found", cfg(0, 0, 0), srv(enc(new ErrorPacket(1, "file not found"))));
        t.frames("download-timeout", cfg(0, 0, 0));
        t.frames("download-malformed", cfg(0, 0, 0), srv(new byte[] {0, 9}));
    }

    private static byte[] cfg(int mode, int options, int size) {
        return new byte[] {(byte) (mode | (options << 2)), (byte) (size >> 8), (byte) size};
    }

    private static byte[] srv(byte[] datagram) {
        return sel(0, datagram);
    }

    private static byte[] sel(int selector, byte[] datagram) {
        return cat(new byte[] {(byte) selector}, datagram);
    }

    /** A server run: records with bit 7 go to the request port, others to the running transfer. */
    private void tftpServer() throws IOException {
        Target t = new Target(TftpServerFuzzTest.class, "serve");
        byte[] rrq = enc(new Request(Opcode.RRQ, "fw.bin", TransferMode.OCTET, Map.of()));
        t.frames("read-rfc1350", sel(0x80, rrq), sel(0, enc(new Ack(1))), sel(0, enc(new Ack(2))),
                sel(0, enc(new Ack(3))));
        t.frames("read-negotiated", sel(0x80, enc(new Request(Opcode.RRQ, "fw.bin", TransferMode.OCTET,
                        opts("blksize", "1468", "tsize", "0", "windowsize", "2")))),
                sel(0, enc(new Ack(0))), sel(0, enc(new Ack(2))));
        t.frames("read-unknown-size", sel(0x80, enc(new Request(Opcode.RRQ, "stream.bin", TransferMode.OCTET,
                        opts("tsize", "0")))), sel(0, enc(new Ack(1))), sel(0, enc(new Ack(2))));
        t.frames("read-empty", sel(0x80, enc(new Request(Opcode.RRQ, "empty.bin", TransferMode.OCTET, Map.of()))),
                sel(0, enc(new Ack(1))));
        t.frames("read-missing", sel(0x80, enc(new Request(Opcode.RRQ, "nosuch", TransferMode.OCTET, Map.of()))));
        t.frames("read-netascii", sel(0x80, enc(new Request(Opcode.RRQ, "fw.bin", TransferMode.NETASCII, Map.of()))));
        t.frames("write-small", sel(0x80, enc(new Request(Opcode.WRQ, "up.bin", TransferMode.OCTET, Map.of()))),
                sel(0, data(1, 100)));
        t.frames("write-window", sel(0x80, enc(new Request(Opcode.WRQ, "up.bin", TransferMode.OCTET,
                        opts("blksize", "8", "windowsize", "2", "tsize", "20", "timeout", "2")))),
                sel(0, data(1, 8)), sel(0, data(2, 8)), sel(0, data(3, 4)));
        t.frames("write-stranger-and-duplicate", sel(0x80, enc(new Request(Opcode.WRQ, "up.bin", TransferMode.OCTET,
                        Map.of()))), sel(1, data(1, 512)), sel(0, data(1, 512)), sel(0, data(1, 512)),
                sel(0, data(2, 0)));
        t.frames("write-refused", sel(0x80, enc(new Request(Opcode.WRQ, "ro.bin", TransferMode.OCTET, Map.of()))));
        t.frames("write-too-large", sel(0x80, enc(new Request(Opcode.WRQ, "up.bin", TransferMode.OCTET,
                opts("tsize", "1000000")))));
        t.frames("two-clients", sel(0x80, rrq), sel(0, enc(new Ack(1))), sel(0x81, rrq), sel(2, enc(new Ack(1))));
        t.frames("junk-to-the-request-port", sel(0x80, new byte[] {0, 4, 0, 1}), sel(0x80, new byte[] {9}),
                sel(0x80, enc(new ErrorPacket(0, "x"))));
        t.frames("error-mid-transfer", sel(0x80, rrq), sel(0, enc(new ErrorPacket(0, "stop"))));
    }

    // ------------------------------------------------------------------ control socket

    private void control() throws IOException {
        String[] requests = {
            "{\"op\":\"ping\"}",
            "{\"op\":\"status\",\"args\":{}}",
            "{\"op\":\"lsmod\"}",
            "{\"op\":\"modinfo\",\"args\":{\"name\":\"hello\"}}",
            "{\"op\":\"modinfo\",\"args\":{\"path\":\"/nosuch/hello.jar\"}}",
            "{\"op\":\"insmod\",\"args\":{\"path\":\"/nosuch/hello.jar\",\"params\":{\"count\":\"3\",\"flag\":null}}}",
            "{\"op\":\"rmmod\",\"args\":{\"name\":\"hello\",\"force\":true,\"timeout\":1.5}}",
            "{\"op\":\"modprobe\",\"args\":{\"name\":\"hello\",\"remove\":true}}",
            "{\"op\":\"depmod\",\"args\":{\"dir\":\"/\"}}",
            "{\"op\":\"dmesg\",\"args\":{\"since\":0,\"levels\":[\"err\",\"warn\",\"info\"]}}",
            "{\"op\":\"devices\"}",
            "{\"op\":\"device.add\",\"args\":{\"name\":\"dev0\",\"compatible\":[\"kmod4j,tftp-flash\"],"
                    + "\"properties\":{\"address\":\"127.0.0.1\"}}}",
            "{\"op\":\"bind\",\"args\":{\"device\":\"dev0\",\"driver\":\"tftp-flash\"}}",
            "{\"op\":\"unbind\",\"args\":{\"device\":\"dev0\"}}",
            "{\"op\":\"device.remove\",\"args\":{\"name\":\"dev0\"}}",
            "{\"op\":\"fw.path\",\"args\":{\"path\":\"\"}}",
            "{\"op\":\"fw.held\"}",
            "{\"op\":\"fw.pending\"}",
            "{\"op\":\"fw.load\",\"args\":{\"name\":\"fw.bin\",\"path\":\"/nosuch/fw.bin\"}}",
            "{\"op\":\"fw.abort\",\"args\":{\"name\":\"fw.bin\"}}",
            "{\"op\":\"fw.status\"}",
            "{\"op\":\"fw.upload\",\"args\":{\"name\":\"dev0\",\"path\":\"/nosuch/fw.img\",\"wait\":false}}",
            "{\"op\":\"fw.cancel\",\"args\":{\"name\":\"dev0\"}}",
        };
        String[] junk = {
            "not json", "[1,2,3]", "{\"op\":42}", "{\"op\":\"nosuch\"}", "{\"op\":\"lsmod\",\"extra\":1}",
            "{\"op\":\"rmmod\",\"args\":{\"name\":\"../x\",\"forse\":true}}", "{\"op\":\"rmmod\",\"args\":{\"timeout\":-1}}",
            "{\"op\":\"dmesg\",\"args\":{\"since\":1e999}}", "{\"op\":\"ping\"} trailing", "{\"op\":\"ping\",\"op\":\"lsmod\"}",
            "[".repeat(1200) + "]".repeat(1200), "\"\\ud800\"",
        };
        for (String method : new String[] {"request", "overTheSocket"}) {
            Target t = new Target("io.kmod4j.runtime.control", "ControlRequestFuzzTest", method);
            for (String r : requests) {
                String op = r.replaceAll("^\\{\"op\":\"([^\"]+)\".*", "$1");
                t.text("op-" + op + (r.contains("/nosuch") ? "-path" : ""), r + "\n");
            }
            for (int i = 0; i < junk.length; i++) {
                t.text("junk-" + i, junk[i] + "\n");
            }
            t.text("several-lines-crlf-blank", "{\"op\":\"ping\"}\r\n\n   \n{\"op\":\"lsmod\"}\r\nnot json\n");
            t.bytes("not-utf8", new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}', '\n'});
            t.text("unterminated", "{\"op\":\"ping\"}");
            t.text("dmesg-follow", "{\"op\":\"dmesg\",\"args\":{\"follow\":true}}\n{\"op\":\"ping\"}\n");
        }
    }

    /** Replies as the daemon writes them, for the decoders and accessors. */
    private void json() throws Exception {
        Target t = new Target(JsonFuzzTest.class, "accessorsAndDecoders");
        t.text("modinfo", io.kmod4j.runtime.control.Json.write(io.kmod4j.runtime.control.Json.encode(
                io.kmod4j.runtime.module.ModInfoParser.parse(Path.of("/modules/hello.jar"), HELLO))));
        t.text("module-status", "{\"name\":\"hello\",\"size\":2048,\"refcount\":0,\"usedBy\":[],\"state\":\"Live\","
                + "\"version\":\"1.0\",\"params\":{\"count\":\"1\"},\"owned\":[\"kthread hello\"],\"taints\":\"O\"}");
        t.text("lsmod", "{\"modules\":[{\"name\":\"a\",\"size\":1,\"refcount\":1,\"usedBy\":[\"b\"],\"state\":\"Loading\","
                + "\"version\":\"\",\"params\":{},\"owned\":[],\"taints\":\"\"}],\"taints\":\"PO\",\"unloadedTainted\":[]}");
        t.text("unload-report", "{\"module\":\"hello\",\"version\":\"1.0\",\"outcome\":\"UNLOADED\",\"exitNanos\":1,"
                + "\"stopNanos\":2,\"scanNanos\":3,\"verifyNanos\":4,\"totalNanos\":10,\"stopped\":[{\"kind\":\"kthread\","
                + "\"name\":\"t\",\"detail\":\"\",\"tookNanos\":5}],\"leaks\":[],\"pins\":[],\"loader\":\"COLLECTED\","
                + "\"jarReleased\":true,\"taints\":\"\",\"clean\":true}");
        t.text("log-record", "{\"seq\":3,\"level\":\"warn\",\"nanos\":12345,\"owner\":\"kernel\",\"message\":\"hi\"}");
        t.text("depmod", "{\"dir\":\"/modules\",\"modules\":3,\"aliases\":1,\"warnings\":[\"w\"]}");
        t.text("device", "{\"name\":\"dev0\",\"bus\":\"platform\",\"compatible\":[\"kmod4j,tftp-flash\"],"
                + "\"properties\":{\"address\":\"127.0.0.1\"},\"state\":\"bound\",\"driver\":\"tftp-flash\","
                + "\"module\":\"tftp_flash\",\"detail\":\"\"}");
        t.text("upload-result", "{\"outcome\":\"done\",\"upload\":{\"name\":\"dev0\",\"device\":\"dev0\","
                + "\"progress\":\"idle\",\"size\":10,\"remainingSize\":0,\"written\":10,\"error\":\"\"},"
                + "\"elapsedNanos\":99,\"errno\":null}");
        t.text("pending-and-held", "{\"name\":\"fw.bin\",\"device\":\"dev0\",\"waiters\":1,\"waitedNanos\":5,"
                + "\"timeoutNanos\":0,\"size\":4,\"holders\":1,\"source\":\"(fallback)\"}");
        t.text("args", "{\"path\":\"/a/b.jar\",\"params\":{\"x\":\"1\",\"y\":null},\"force\":true,\"timeout\":2.5,"
                + "\"levels\":[\"err\"],\"since\":-1}");
        t.text("not-an-object", "[1,\"two\",null]");
    }

    // ------------------------------------------------------------------ writing

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] cat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One fuzz target's inputs directory. */
    private static final class Target {
        private final Path dir;

        Target(Class<?> test, String method) throws IOException {
            this(test.getPackageName(), test.getSimpleName(), method);
        }

        /** For test classes in other packages, which are package-private. */
        Target(String pkg, String testClass, String method) throws IOException {
            dir = RESOURCES.resolve(pkg.replace('.', '/')).resolve(testClass + "Inputs").resolve(method);
            Files.createDirectories(dir);
        }

        void bytes(String name, byte[] content) throws IOException {
            Files.write(dir.resolve(name), content);
        }

        void text(String name, String content) throws IOException {
            bytes(name, utf8(content));
        }

        /** Records joined with {@link Frames}: strings as UTF-8, byte arrays as they are. */
        void frames(String name, Object... records) throws IOException {
            List<byte[]> list = new ArrayList<>();
            for (Object r : records) {
                list.add(r instanceof byte[] b ? b : utf8((String) r));
            }
            bytes(name, Frames.join(list));
        }
    }
}
