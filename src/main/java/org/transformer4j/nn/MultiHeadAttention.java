package org.transformer4j.nn;

import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.FusedAttention;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * Scaled dot-product multi-head attention (Vaswani et al. 2017, section 3.2), with grouped-query heads
 * (Ainslie et al. 2023) when kvHeads < heads. Parameters follow torch.nn.MultiheadAttention:
 * {@code in_proj_weight} stacks W_Q, W_K and W_V as rows, {@code out_proj} is W_O.
 */
public final class MultiHeadAttention extends Attention {
    private final int dModel;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final Variable inProjWeight; // ((heads + 2 kvHeads) headDim, dModel)
    private final Variable inProjBias;   // ((heads + 2 kvHeads) headDim) or null
    private boolean quantizeInput;
    private final Linear outProj;        // (dModel, heads headDim)
    private final float dropoutP;
    private final Rng rng;
    private final RotaryEmbedding rope; // null unless RoPE
    private final AlibiBias alibi;      // null unless ALiBi

    /** Attention with torch's default initialisation (Xavier-uniform in_proj, zero biases). */
    public MultiHeadAttention(int dModel, int heads, int kvHeads, boolean bias, float dropout, Rng rng,
                              RotaryEmbedding rope, AlibiBias alibi) {
        if (heads < 1 || dModel % heads != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " is not divisible by heads " + heads);
        }
        if (kvHeads < 1 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads " + heads + " is not divisible by kv_heads " + kvHeads);
        }
        this.dModel = dModel;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = dModel / heads;
        int rows = (heads + 2 * kvHeads) * headDim;
        this.inProjWeight = parameter("in_proj_weight", Init.xavierUniform(rng, rows, dModel));
        this.inProjBias = bias ? parameter("in_proj_bias", Tensor.zeros(rows)) : null;
        this.outProj = child("out_proj", new Linear(heads * headDim, dModel, bias, rng));
        if (bias) {
            outProj.bias().value().assign(Tensor.zeros(dModel));
        }
        this.dropoutP = dropout;
        this.rng = rng;
        this.rope = rope;
        this.alibi = alibi;
    }

    public int heads() {
        return heads;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public int headDim() {
        return headDim;
    }

    /** Quantize the in-projection's inputs to 8 bits per tensor (see {@link InputQuantization}); inference only. */
    public void quantizeInput(boolean on) {
        quantizeInput = on;
    }

    public Variable inProjWeight() {
        return inProjWeight;
    }

    public Linear outProj() {
        return outProj;
    }

    @Override
    protected Result attend(Variable query, Variable keyValue, AttentionMask mask, AttentionCache cache,
                          boolean needWeights) {
        if (quantizeInput) {
            query = InputQuantization.apply(query);
            keyValue = keyValue == null ? null : InputQuantization.apply(keyValue);
        }
        int b = query.dim(0);
        int tq = query.dim(1);
        boolean self = keyValue == null;
        int qRows = heads * headDim;
        int kvRows = kvHeads * headDim;
        Variable q;
        Variable k;
        Variable v;
        if (self) {
            Variable qkv = Linear.apply(query, inProjWeight, inProjBias).named("QKV projection"); // (B, Tq, (h + 2kv) hd)
            Variable[] parts = Functions.split(qkv, -1, qRows, kvRows, kvRows);
            q = parts[0].named("Q");
            k = parts[1].named("K");
            v = parts[2].named("V");
        } else {
            q = Linear.apply(query, inProjWeight.narrow(0, 0, qRows), bias(0, qRows)).named("Q");
            if (cache != null && cache.keys != null) {
                k = null;
                v = null;
            } else {
                Variable kv = Linear.apply(keyValue, inProjWeight.narrow(0, qRows, 2 * kvRows), bias(qRows, 2 * kvRows))
                        .named("KV projection");
                Variable[] parts = Functions.split(kv, -1, kvRows, kvRows);
                k = parts[0].named("K");
                v = parts[1].named("V");
            }
        }
        q = q.reshape(b, tq, heads, headDim).transpose(1, 2).named("split heads"); // (B, h, Tq, hd)
        int offset = self && cache != null ? cache.length : 0;
        if (k != null) {
            int tk = k.dim(1);
            k = k.reshape(b, tk, kvHeads, headDim).transpose(1, 2).named("split heads"); // (B, kv, Tk, hd)
            v = v.reshape(b, tk, kvHeads, headDim).transpose(1, 2).named("split heads"); // (B, kv, Tk, hd)
        }
        if (rope != null && self) {
            q = rope.apply(q, offset);
            k = rope.apply(k, offset);
        }
        if (cache != null) {
            if (self) {
                k = appendToCache(cache, k, true);
                v = appendToCache(cache, v, false);
                cache.length += tq;
            } else if (k == null) {
                k = Variable.constant(cache.keys);
                v = Variable.constant(cache.values);
            } else {
                cache.keys = k.value();
                cache.values = v.value();
                cache.length = k.dim(2);
            }
        }
        int tk = k.dim(2);
        k = repeatKv(k);                                                          // (B, h, Tk, hd)
        v = repeatKv(v);
        boolean causal = mask != null && mask.causal();
        if (!needWeights && alibi == null && (mask == null || mask.keyPadding() == null) && !Grad.isEnabled()
                && !(isTraining() && dropoutP > 0)
                && !Grad.isObserved() && (!causal || offset + tq <= tk)) {
            // Inference: one fused kernel, no scores tensor, masked causal keys skipped (docs/PERFORMANCE.md).
            Tensor fused = FusedAttention.apply(q.value(), k.value(), v.value(), (float) (1.0 / Math.sqrt(headDim)),
                    causal, offset);                                                             // (B, Tq, h hd)
            return new Result(outProj.forward(Variable.constant(fused)), null);
        }
        Variable scaled = q.mul((float) (1.0 / Math.sqrt(headDim))).named("scale 1/√d");
        Variable scores = scaled.matmul(k.transpose(-1, -2)).named("QKᵀ");                 // (B, h, Tq, Tk)
        if (alibi != null && self) {
            scores = scores.add(Variable.constant(alibi.bias(tq, tk, offset).withKernels(scores.value().kernels()),
                    "ALiBi bias")).named("+ ALiBi");
        }
        Tensor m = mask == null ? null : mask.build(b, tq, tk, offset);
        if (m != null) {
            scores = scores.maskedFill(m, Float.NEGATIVE_INFINITY).named(mask.causal() ? "causal mask" : "padding mask");
        }
        Variable weights = scores.softmax(-1).named("attention weights");
        Variable attended = (isTraining() ? weights.dropout(dropoutP, rng) : weights).matmul(v)
                .named("weighted sum of V");                                                   // (B, h, Tq, hd)
        Variable merged = attended.transpose(1, 2).reshape(b, tq, heads * headDim).named("merge heads"); // (B, Tq, h hd)
        return new Result(outProj.forward(merged).named("output projection"), needWeights ? weights.value() : null);
    }

    private Variable bias(int start, int length) {
        return inProjBias == null ? null : inProjBias.narrow(0, start, length);
    }

    /** Appends new keys or values to the cache, in place (no gradient flows into cached steps). */
    private static Variable appendToCache(AttentionCache cache, Variable fresh, boolean keys) {
        boolean first = cache.length == 0;
        Tensor all;
        try (Grad.Scope ignored = Grad.off()) {
            all = cache.append(fresh.value(), keys);
        }
        return first ? fresh : Variable.constant(all);
    }

    /** Grouped-query attention: each key/value head serves heads/kvHeads query heads. */
    private Variable repeatKv(Variable x) {
        if (kvHeads == heads) {
            return x;
        }
        int[] s = x.shape();                                                       // (B, kv, T, hd)
        int group = heads / kvHeads;
        return x.unsqueeze(2).expand(s[0], kvHeads, group, s[2], s[3]).reshape(s[0], heads, s[2], s[3]);
    }
}
