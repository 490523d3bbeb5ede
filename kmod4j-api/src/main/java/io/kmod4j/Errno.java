package io.kmod4j;

import java.util.Optional;

/**
 * Linux error numbers, as the kernel uses them.
 *
 * <p>Each constant carries its Linux number ({@link #number()}, positive, as in
 * {@code include/uapi/asm-generic/errno-base.h} and {@code errno.h}, and the kernel-internal
 * codes of {@code include/linux/errno.h}), the value a kernel function would return
 * ({@link #code()}, negative), and the C library's message ({@link #message()}).
 *
 * <p>{@link #EWOULDBLOCK} and {@link #EAGAIN} share the number 11, as in Linux;
 * {@link #of(int)} answers {@code EAGAIN} for it. kmod reports a module that is in use with
 * {@code EWOULDBLOCK}, so kmod4j does too.
 *
 * <p>kmod4j APIs do not return these as integers, except where the public contract keeps a Linux
 * return value ({@code KThread.stop()}, {@code KThread.park()}); they travel inside a
 * {@link KernelException}.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    ESRCH(3, "No such process"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    ENXIO(6, "No such device or address"),
    E2BIG(7, "Argument list too long"),
    ENOEXEC(8, "Exec format error"),
    EBADF(9, "Bad file descriptor"),
    ECHILD(10, "No child processes"),
    EAGAIN(11, "Resource temporarily unavailable"),
    /** Same number as {@link #EAGAIN}; kmod's "in use" answer. */
    EWOULDBLOCK(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    EXDEV(18, "Invalid cross-device link"),
    ENODEV(19, "No such device"),
    ENOTDIR(20, "Not a directory"),
    EISDIR(21, "Is a directory"),
    EINVAL(22, "Invalid argument"),
    ENFILE(23, "Too many open files in system"),
    EMFILE(24, "Too many open files"),
    ETXTBSY(26, "Text file busy"),
    EFBIG(27, "File too large"),
    ENOSPC(28, "No space left on device"),
    ESPIPE(29, "Illegal seek"),
    EROFS(30, "Read-only file system"),
    EPIPE(32, "Broken pipe"),
    EDOM(33, "Numerical argument out of domain"),
    ERANGE(34, "Numerical result out of range"),
    EDEADLK(35, "Resource deadlock avoided"),
    ENAMETOOLONG(36, "File name too long"),
    ENOSYS(38, "Function not implemented"),
    ENOTEMPTY(39, "Directory not empty"),
    ELOOP(40, "Too many levels of symbolic links"),
    ENOMSG(42, "No message of desired type"),
    ENODATA(61, "No data available"),
    ETIME(62, "Timer expired"),
    ENOLINK(67, "Link has been severed"),
    EPROTO(71, "Protocol error"),
    EBADMSG(74, "Bad message"),
    EOVERFLOW(75, "Value too large for defined data type"),
    EILSEQ(84, "Invalid or incomplete multibyte or wide character"),
    EMSGSIZE(90, "Message too long"),
    EPROTONOSUPPORT(93, "Protocol not supported"),
    EOPNOTSUPP(95, "Operation not supported"),
    EADDRINUSE(98, "Address already in use"),
    EADDRNOTAVAIL(99, "Cannot assign requested address"),
    ENETUNREACH(101, "Network is unreachable"),
    ECONNABORTED(103, "Software caused connection abort"),
    ECONNRESET(104, "Connection reset by peer"),
    ENOBUFS(105, "No buffer space available"),
    ENOTCONN(107, "Transport endpoint is not connected"),
    ETIMEDOUT(110, "Connection timed out"),
    ECONNREFUSED(111, "Connection refused"),
    EHOSTUNREACH(113, "No route to host"),
    EALREADY(114, "Operation already in progress"),
    EINPROGRESS(115, "Operation now in progress"),
    EDQUOT(122, "Disk quota exceeded"),
    ECANCELED(125, "Operation canceled"),
    EKEYREJECTED(129, "Key was rejected by service"),
    /** Kernel-internal: a wait was interrupted and the system call should restart. */
    ERESTARTSYS(512, "Interrupted, restart the call"),
    /** Kernel-internal: the driver asks to be probed again later. */
    EPROBE_DEFER(517, "Driver requests probe retry"),
    /** Kernel-internal: the operation is not supported (not a userspace errno). */
    ENOTSUPP(524, "Operation is not supported");

    private static final Errno[] BY_NUMBER;

    static {
        int max = 0;
        for (Errno e : values()) {
            max = Math.max(max, e.number);
        }
        BY_NUMBER = new Errno[max + 1];
        for (Errno e : values()) {
            if (BY_NUMBER[e.number] == null) {
                BY_NUMBER[e.number] = e; // EAGAIN is declared before its alias EWOULDBLOCK
            }
        }
    }

    private final int number;
    private final String message;

    Errno(int number, String message) {
        this.number = number;
        this.message = message;
    }

    /** The Linux error number, positive ({@code errno} as userspace sees it). */
    public int number() {
        return number;
    }

    /** The value a kernel function returns for this error: {@code -number()}. */
    public int code() {
        return -number;
    }

    /** The C library's text for this error, as {@code strerror(3)} prints it. */
    public String message() {
        return message;
    }

    /**
     * Looks up an error by number, positive or negative.
     *
     * @return the constant, or empty when kmod4j does not know the number; {@code 11} answers
     *     {@link #EAGAIN}
     */
    public static Optional<Errno> of(int number) {
        int n = Math.abs(number);
        return n < BY_NUMBER.length ? Optional.ofNullable(BY_NUMBER[n]) : Optional.empty();
    }

    /** {@code "EBUSY (-16): Device or resource busy"}. */
    public String describe() {
        return name() + " (" + code() + "): " + message;
    }
}
