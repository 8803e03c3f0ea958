package org.transformer4j.tensor;

/** Lazily created shared kernel instances; read once from system properties, never changed. */
final class KernelDefaults {
    private KernelDefaults() {
    }

    static final int THREADS = threadsFromProperty();
    static final Parallel POOL = new Parallel(THREADS);
    static final Kernels SCALAR = new ScalarKernels(POOL);
    static final Kernels VECTOR = new VectorKernels(POOL);
    static final Kernels DEFAULT = Boolean.parseBoolean(System.getProperty("t4j.simd", "true")) ? VECTOR : SCALAR;

    private static int threadsFromProperty() {
        String p = System.getProperty("t4j.threads");
        if (p == null || p.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(p.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property t4j.threads must be a positive integer, got '" + p + "'");
        }
    }
}
