package org.transformer4j.nn;

import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.BinaryOp;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * Linear attention as a fast weight programmer (Schmidhuber 1991; Katharopoulos et al. 2020; Schlag,
 * Irie and Schmidhuber 2021). Keys and values write outer products into a fast weight matrix W; queries
 * read it out: y_t = W_t phi(q_t) / (z_t . phi(q_t)) with W_t = W_{t-1} + v_t phi(k_t)^T and
 * z_t = z_{t-1} + phi(k_t), phi(x) = elu(x) + 1.
 *
 * <ul>
 *   <li>{@link Update#SUM}, causal, no cache: the parallel masked form ((phi(Q) phi(K)^T) masked) V, for training.</li>
 *   <li>Causal with a cache: the recurrent form, one fast-weight update per position, for decoding; the
 *       cache holds W and z, readable with {@link AttentionCache#fastWeights()}.</li>
 *   <li>Non-causal (encoder, cross-attention): phi(Q) (phi(K)^T V) / (phi(Q) sum phi(K)), linear in length;
 *       a cache is not needed because the memory's fast weights do not change while decoding.</li>
 *   <li>{@link Update#DELTA}: the delta rule W_t = W_{t-1} + beta_t (v_t - W_{t-1} phi(k_t)) phi(k_t)^T with
 *       sum-normalised phi and a learned write strength beta_t = sigmoid(w_beta . x_t) per head (Schlag et
 *       al. 2021, section 4); it always runs recurrently and reads out y_t = W_t phi(q_t).</li>
 * </ul>
 */
public final class LinearAttention extends Attention {
    private static final float EPS = 1e-6f;

    /** How keys and values are written into the fast weights. */
    public enum Update { SUM, DELTA }

    private final int heads;
    private final int headDim;
    private final Update update;
    private final Variable inProjWeight; // (3 d, d)
    private final Variable inProjBias;   // (3 d) or null
    private final Linear outProj;
    private final Linear betaProj;       // (heads, d), DELTA only

    public LinearAttention(int dModel, int heads, Update update, boolean bias, Rng rng) {
        if (heads < 1 || dModel % heads != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " is not divisible by heads " + heads);
        }
        this.heads = heads;
        this.headDim = dModel / heads;
        this.update = update;
        this.inProjWeight = parameter("in_proj_weight", Init.xavierUniform(rng, 3 * dModel, dModel));
        this.inProjBias = bias ? parameter("in_proj_bias", Tensor.zeros(3 * dModel)) : null;
        this.outProj = child("out_proj", new Linear(dModel, dModel, bias, rng));
        this.betaProj = update == Update.DELTA ? child("beta_proj", new Linear(dModel, heads, true, rng)) : null;
    }

    public Update update() {
        return update;
    }

    @Override
    protected Result attend(Variable query, Variable keyValue, AttentionMask mask, AttentionCache cache,
                          boolean needWeights) {
        int b = query.dim(0);
        int tq = query.dim(1);
        int d = heads * headDim;
        Variable source = keyValue == null ? query : keyValue;
        int tk = source.dim(1);
        Variable q = heads(Linear.apply(query, inProjWeight.narrow(0, 0, d), bias(0, d)), b, tq);     // (B, h, Tq, hd)
        Variable kv = Linear.apply(source, inProjWeight.narrow(0, d, 2 * d), bias(d, 2 * d));
        Variable[] parts = Functions.split(kv, -1, d, d);
        Variable k = heads(parts[0], b, tk);                                                          // (B, h, Tk, hd)
        Variable v = heads(parts[1], b, tk);
        Variable fq = feature(q).named("φ(Q)");
        Variable fk = feature(k).named("φ(K)");
        if (update == Update.DELTA) {
            fq = sumNormalised(fq);
            fk = sumNormalised(fk);
        }
        if (mask != null && mask.keyPadding() != null) {
            // Padded keys write nothing: zero their features.
            Tensor keep = Tensor.ones(b, 1, tk, 1).sub(mask.keyPadding().reshape(b, 1, tk, 1));
            fk = fk.mul(Variable.constant(keep));
        }
        boolean causal = keyValue == null && mask != null && mask.causal();
        Variable y;
        Tensor weights = null;
        if (update == Update.DELTA) {
            Variable beta = Linear.apply(source, betaProj.weight(), betaProj.bias()).sigmoid().transpose(1, 2); // (B, h, Tk)
            y = causal ? recurrentDelta(fq, fk, v, beta, cache) : writeAllThenRead(fq, fk, v, beta);
        } else if (causal && cache != null) {
            y = recurrentSum(fq, fk, v, cache);
        } else if (causal || needWeights) {
            // Parallel masked form: A = phi(Q) phi(K)^T, causally masked, rows normalised.
            Variable a = fq.matmul(fk.transpose(-1, -2));                                             // (B, h, Tq, Tk)
            if (causal) {
                a = a.maskedFill(AttentionMask.CAUSAL.build(b, tq, tk, 0), 0f).named("causal mask");
            }
            Variable norm = a.sum(true, -1).add(EPS);
            Variable w = a.div(norm);
            weights = needWeights ? w.value() : null;
            y = w.matmul(v);
        } else {
            // Non-causal: associativity gives the linear-cost form phi(Q) (phi(K)^T V) / (phi(Q) sum phi(K)).
            Variable kvSum = fk.transpose(-1, -2).matmul(v);                                          // (B, h, hd, hd)
            Variable z = fk.sum(true, 2);                                                              // (B, h, 1, hd)
            y = fq.matmul(kvSum).div(fq.mul(z).sum(true, -1).add(EPS));
        }
        Variable merged = y.transpose(1, 2).reshape(b, tq, d);
        return new Result(outProj.forward(merged), weights);
    }

    private Variable bias(int start, int length) {
        return inProjBias == null ? null : inProjBias.narrow(0, start, length);
    }

    private Variable heads(Variable x, int b, int t) {
        return x.reshape(b, t, heads, headDim).transpose(1, 2);
    }

    /** phi(x) = elu(x) + 1: x + 1 for x > 0, exp(x) otherwise (positive, so attention weights are too). */
    static Variable feature(Variable x) {
        Tensor positive = x.value().apply(BinaryOp.GT, x.value().constant(0f));
        return Variable.where(positive, x.add(1f), x.maskedFill(positive, 0f).exp());
    }

    private static Variable sumNormalised(Variable f) {
        return f.div(f.sum(true, -1));
    }

    /** W_t = W_{t-1} + v_t phi(k_t)^T, z_t = z_{t-1} + phi(k_t), y_t = W_t phi(q_t) / (z_t . phi(q_t)). */
    private Variable recurrentSum(Variable fq, Variable fk, Variable v, AttentionCache cache) {
        int t = fq.dim(2);
        Variable w = cache.fastWeights == null ? null : Variable.constant(cache.fastWeights);
        Variable z = cache.normalizer == null ? null : Variable.constant(cache.normalizer);
        Variable[] ys = new Variable[t];
        for (int i = 0; i < t; i++) {
            Variable kt = fk.narrow(2, i, 1);                                   // (B, h, 1, hd)
            Variable vt = v.narrow(2, i, 1);
            Variable qt = fq.narrow(2, i, 1);
            Variable write = vt.transpose(-1, -2).matmul(kt);                  // (B, h, hd_v, hd_k)
            w = w == null ? write : w.add(write);
            z = z == null ? kt : z.add(kt);
            Variable num = qt.matmul(w.transpose(-1, -2));                     // (B, h, 1, hd_v)
            ys[i] = num.div(qt.mul(z).sum(true, -1).add(EPS));
        }
        keep(cache, w, z, t);
        return Functions.concat(2, ys).named("causal recurrence");
    }

    /** The delta rule: each step first reads what W holds for k_t, then moves it towards v_t by beta_t. */
    private Variable recurrentDelta(Variable fq, Variable fk, Variable v, Variable beta, AttentionCache cache) {
        int b = fq.dim(0);
        int t = fq.dim(2);
        Variable w = cache != null && cache.fastWeights != null ? Variable.constant(cache.fastWeights)
                : Variable.constant(Tensor.zeros(b, heads, headDim, headDim));
        Variable[] ys = new Variable[t];
        for (int i = 0; i < t; i++) {
            Variable kt = fk.narrow(2, i, 1);                                   // (B, h, 1, hd)
            Variable vt = v.narrow(2, i, 1);
            Variable qt = fq.narrow(2, i, 1);
            Variable bt = beta.narrow(2, i, 1).unsqueeze(-1);                   // (B, h, 1, 1)
            Variable old = kt.matmul(w.transpose(-1, -2));                     // (B, h, 1, hd_v) = W phi(k)
            Variable write = vt.sub(old).mul(bt).transpose(-1, -2).matmul(kt); // (B, h, hd_v, hd_k)
            w = w.add(write);
            ys[i] = qt.matmul(w.transpose(-1, -2));
        }
        if (cache != null) {
            keep(cache, w, null, t);
        }
        return Functions.concat(2, ys).named("causal recurrence");
    }

    /** Non-causal delta rule (encoder or cross-attention): write every key in order, then read every query. */
    private Variable writeAllThenRead(Variable fq, Variable fk, Variable v, Variable beta) {
        Variable w = Variable.constant(Tensor.zeros(fq.dim(0), heads, headDim, headDim));
        for (int i = 0; i < fk.dim(2); i++) {
            Variable kt = fk.narrow(2, i, 1);
            Variable old = kt.matmul(w.transpose(-1, -2));
            w = w.add(v.narrow(2, i, 1).sub(old).mul(beta.narrow(2, i, 1).unsqueeze(-1)).transpose(-1, -2).matmul(kt));
        }
        return fq.matmul(w.transpose(-1, -2));                                 // (B, h, Tq, hd_v)
    }

    private static void keep(AttentionCache cache, Variable w, Variable z, int steps) {
        if (cache == null) {
            return;
        }
        try (Grad.Scope ignored = Grad.off()) {
            cache.fastWeights = w.value().contiguous();
            cache.normalizer = z == null ? null : z.value().contiguous();
        }
        cache.length += steps;
    }
}
