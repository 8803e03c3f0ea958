package org.transformer4j.autograd;

/**
 * Whether ops record a graph on the current thread. Inference runs inside {@link #off()} and records
 * nothing:
 *
 * <pre>{@code
 * try (Grad.Scope ignored = Grad.off()) {
 *     Variable logits = model.forward(x);
 * }
 * }</pre>
 */
public final class Grad {
    private Grad() {
    }

    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);
    private static final ThreadLocal<OpObserver> OBSERVER = new ThreadLocal<>();
    private static final ThreadLocal<java.util.ArrayDeque<String>> MODULES =
            ThreadLocal.withInitial(java.util.ArrayDeque::new);

    /** A scope that undoes itself on close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Turns recording off until the returned scope is closed; scopes nest. */
    public static Scope off() {
        int[] depth = DISABLED.get();
        depth[0]++;
        return () -> depth[0]--;
    }

    /** Whether ops on this thread record a graph. */
    public static boolean isEnabled() {
        return DISABLED.get()[0] == 0;
    }

    /** Whether an observer (the figure tracer) sees the ops on this thread. */
    public static boolean isObserved() {
        return OBSERVER.get() != null;
    }

    /**
     * Sends every op executed on this thread to the observer until the scope is closed (the figure
     * tracer uses this). Observers do not nest: a second one replaces the first until closed.
     */
    public static Scope observe(OpObserver observer) {
        OpObserver previous = OBSERVER.get();
        OBSERVER.set(observer);
        return () -> OBSERVER.set(previous);
    }

    /**
     * Marks that ops run inside the module at the given dotted path ({@code encoder.layers.3.self_attn})
     * until the scope closes; observers read it with {@link #modulePath()}.
     */
    public static Scope enterModule(String path) {
        java.util.ArrayDeque<String> stack = MODULES.get();
        stack.addLast(path);
        return stack::removeLast;
    }

    /** The path of the innermost module entered on this thread ("" at top level). */
    public static String modulePath() {
        String p = MODULES.get().peekLast();
        return p == null ? "" : p;
    }

    static OpObserver observer() {
        return OBSERVER.get();
    }
}
