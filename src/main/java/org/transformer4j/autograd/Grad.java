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
     * Marks that ops run inside the named module until the scope closes; nested scopes build the
     * module path ({@code encoder.layers.3.self_attn}) that observers read with {@link #modulePath()}.
     */
    public static Scope enterModule(String name) {
        java.util.ArrayDeque<String> stack = MODULES.get();
        stack.addLast(name);
        return stack::removeLast;
    }

    /** The dotted path of the modules entered on this thread, outermost first ("" at top level). */
    public static String modulePath() {
        StringBuilder sb = new StringBuilder();
        for (String s : MODULES.get()) {
            if (!s.isEmpty()) {
                sb.append(sb.isEmpty() ? "" : ".").append(s);
            }
        }
        return sb.toString();
    }

    static OpObserver observer() {
        return OBSERVER.get();
    }
}
