package io.kmod4j.runtime.control;

import io.kmod4j.runtime.Kernel;
import java.nio.file.Path;

/**
 * One request as an op sees it.
 *
 * @param op the op's name
 * @param args its arguments (field path {@code args}; failures are {@code EINVAL}); empty if the
 *     request had none
 * @param kernel the kernel the server serves
 * @param socket the control socket's path
 */
public record Request(String op, JsonObject args, Kernel kernel, Path socket) {}
