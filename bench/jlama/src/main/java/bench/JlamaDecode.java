package bench;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import java.io.File;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Jlama's KV-cached decode at batch 1, timed as {@code t4j bench decode}: for each start position p, p random
 * tokens are fed in one batch, then 4 untimed and 16 timed single tokens, each through the transformer and the
 * LM head (greedy sample, as generate does); the speed is 1 / the median step. Weights and working type fp32.
 * Arguments: MODEL_DIR [--positions 0,1000].
 */
public final class JlamaDecode {
    public static void main(String[] args) throws Exception {
        File dir = new File(args[0]);
        int[] positions = {0, 1000};
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--positions")) {
                positions = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
            }
        }
        int warmup = 4;
        int reps = 16;
        AbstractModel model = ModelSupport.loadModel(dir, DType.F32, DType.F32);
        int vocab = model.getConfig().vocabularySize;
        Random rng = new Random(7);
        StringBuilder json = new StringBuilder("{\"bench\": \"decode\", \"peer\": \"jlama-core 0.8.4\"");
        KvBufferCache caches = new KvBufferCache(model);
        for (int pi = 0; pi < positions.length; pi++) {
            int p = positions[pi];
            KvBufferCache.KvBuffer kv = caches.getKvBuffer(UUID.randomUUID());
            if (p > 0) {
                int[] prompt = rng.ints(p, 0, vocab).toArray();
                model.batchForward(prompt, 0, kv).close();
            }
            AbstractTensor logits = model.makeDenseTensor(vocab);
            double[] s = new double[reps];
            int pos = p;
            for (int i = 0; i < warmup + reps; i++) {
                long t0 = System.nanoTime();
                AbstractTensor out = model.forward(rng.nextInt(vocab), pos++, kv, Optional.empty());
                model.sample(out, 0f, 0.5f, logits);
                out.close();
                if (i >= warmup) {
                    s[i - warmup] = (System.nanoTime() - t0) / 1e9;
                }
            }
            Arrays.sort(s);
            double speed = 1 / ((s[reps / 2 - 1] + s[reps / 2]) / 2);
            if (pi == 0) {
                json.append(", \"tokens_per_s\": ").append(speed);
            }
            json.append(", \"tokens_per_s_at_").append(p).append("\": ").append(speed);
        }
        System.out.println(json.append(", \"threads\": ").append(Runtime.getRuntime().availableProcessors()).append('}'));
        System.exit(0);
    }
}
