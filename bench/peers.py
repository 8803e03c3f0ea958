#!/usr/bin/env python3
"""Runs transformer4j and its peers side by side on this machine and prints the ratio table of issue 7.

Peers: numpy SGEMM on OpenBLAS with its AVX-512 kernel, PyTorch CPU (bench/torch_gpt2.py, a minimal GPT-2
124M with random weights) and Jlama (bench/jlama/run.sh, when it runs). Every number is a median of at least
5 timed repetitions after warm-up; the peers run one after the other, never at the same time.

    /usr/bin/python3 bench/peers.py                  # everything (about 10 minutes on 2 cores)
    /usr/bin/python3 bench/peers.py --only gemm      # gemm, train, forward, decode, jlama (comma-separated)
    /usr/bin/python3 bench/peers.py --json out.json  # also write every raw result

OpenBLAS: Debian's numpy and torch link libblas.so.3, the reference BLAS on this machine. The script unpacks
Debian's libopenblas0-pthread (apt-get download, no install) into target/peers/openblas and puts it first on
LD_LIBRARY_PATH for the numpy and torch commands only, with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from
their environment (the machine's default forces the slower Haswell kernel).
"""
import argparse, glob, json, os, platform, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"
GEMM_SHAPES = [(1024, 768, 2304), (1024, 768, 3072), (1024, 3072, 768), (1024, 768, 50257)]  # m, k, n
TRAIN_WARMUP = 5  # untimed training steps before the timed ones, for both sides


def openblas_dir():
    dest = os.path.join(ROOT, "target", "peers", "openblas")
    lib = os.path.join(dest, "usr", "lib", "x86_64-linux-gnu", "openblas-pthread")
    if not os.path.isdir(lib):
        tmp = os.path.join(ROOT, "target", "peers", "deb")
        os.makedirs(tmp, exist_ok=True)
        subprocess.run(["apt-get", "download", "libopenblas0-pthread"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deb = sorted(glob.glob(os.path.join(tmp, "libopenblas0-pthread_*.deb")))[-1]
        subprocess.run(["dpkg-deb", "-x", deb, dest], check=True)
    return lib


def peer_env(threads):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["LD_LIBRARY_PATH"] = openblas_dir() + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
    return env


LOADS = []  # the 1-minute load average right before each command


def run_json(cmd, env=None):
    load = float(open("/proc/loadavg").read().split()[0])
    LOADS.append(load)
    shown = [c if "\n" not in c else "'<numpy sgemm script>'" for c in cmd]
    print("  [load %.2f] $ %s" % (load, " ".join(shown)), file=sys.stderr, flush=True)
    t0 = time.time()
    p = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stderr[-3000:], file=sys.stderr)
        return {"error": (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1]}
    line = [l for l in p.stdout.splitlines() if l.startswith("{")][-1]
    r = json.loads(line)
    print("    %.0f s: %s" % (time.time() - t0, line[:160]), file=sys.stderr, flush=True)
    return r


NUMPY_GEMM = r"""
import json, statistics, sys, time, numpy as np
m, k, n, reps = map(int, sys.argv[1:5])
rng = np.random.default_rng(0)
a = rng.uniform(-1, 1, (m, k)).astype(np.float32); b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
c = np.empty((m, n), np.float32)
calls = max(1, int(0.2 * 300e9 / (2 * m * n * k)))
for _ in range(5): np.matmul(a, b, out=c)
ts = []
for _ in range(reps):
    t0 = time.perf_counter()
    for _ in range(calls): np.matmul(a, b, out=c)
    ts.append((time.perf_counter() - t0) / calls)
med = statistics.median(ts)
print(json.dumps({"bench": "gemm", "gflops": 2 * m * n * k / med / 1e9, "ms_per_call": med * 1e3, "numpy": np.__version__}))
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="gemm,train,forward,decode,jlama")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="write all raw results to this file")
    a = ap.parse_args()
    only = set(a.only.split(","))
    t4j = [os.path.join(ROOT, "t4j"), "bench"]
    env = peer_env(a.threads)
    rows, raw = [], {}
    load_before = open("/proc/loadavg").read().split()[:3]
    reps = str(max(5, a.reps))

    def row(what, ours, peer, key, goal, peer_name):
        raw[what] = {"ours": ours, peer_name: peer}
        o, p = ours.get(key), peer.get(key)
        ratio = o / p if isinstance(o, (int, float)) and isinstance(p, (int, float)) and p else None
        rows.append((what, o, p, peer_name, ratio, goal))

    if "gemm" in only:
        for m, k, n in GEMM_SHAPES:
            ours = run_json(t4j + ["gemm", "--m", str(m), "--n", str(n), "--k", str(k), "--reps", reps, "--json"])
            peer = run_json([PY, "-c", NUMPY_GEMM, str(m), str(k), str(n), reps], env)
            row("sgemm %dx%dx%d GFLOP/s" % (m, k, n), ours, peer, "gflops", 0.7, "numpy/OpenBLAS")
    torch = [PY, os.path.join(ROOT, "bench", "torch_gpt2.py")]
    if "train" in only:
        # Steady-state speed: both sides get TRAIN_WARMUP untimed steps (the JVM's compilers are still at work during
        # the first 3-4 steps, which run at 1.2-3x the steady step time; PyTorch is steady after one).
        warm = ["--warmup", str(TRAIN_WARMUP)]
        ours = run_json(t4j + ["train", "--preset", "gpt2-124m", "--batch", "4", "--seq", "256", "--steps", reps]
                        + warm + ["--json"])
        peer = run_json(torch + ["train", "--batch", "4", "--seq", "256", "--steps", reps, "--threads", str(a.threads)]
                        + warm, env)
        row("train 4x256 AdamW tokens/s", ours, peer, "tokens_per_s", 1.5, "PyTorch")
    if "forward" in only:
        ours = run_json(t4j + ["forward", "--preset", "gpt2-124m", "--batch", "1", "--seq", "1024", "--reps", reps, "--json"])
        peer = run_json(torch + ["forward", "--batch", "1", "--seq", "1024", "--reps", reps, "--threads", str(a.threads)], env)
        row("forward 1x1024 tokens/s (decode engine's multi-position pass)", ours, peer, "tokens_per_s", 2.0, "PyTorch")
        module = run_json(t4j + ["forward", "--engine", "module", "--preset", "gpt2-124m", "--batch", "1", "--seq", "1024",
                                 "--reps", reps, "--json"])
        row("forward 1x1024 tokens/s (the module's forward)", module, peer, "tokens_per_s", None, "PyTorch")
    if "decode" in only:
        ours = run_json(t4j + ["decode", "--preset", "gpt2-124m", "--positions", "0,1000", "--json"])
        peer = run_json(torch + ["decode", "--positions", "0,1000", "--threads", str(a.threads)], env)
        row("decode tokens/s at position 0", ours, peer, "tokens_per_s_at_0", 1.5, "PyTorch")
        row("decode tokens/s at position 1000", ours, peer, "tokens_per_s_at_1000", 1.5, "PyTorch")
        roof = {"tokens_per_s_at_0": 40e9 / (124_439_808 * 4)}
        row("decode at 0 vs fp32 roofline (40 GB/s / 498 MB)", ours, roof, "tokens_per_s_at_0", 0.6, "roofline")
        flat = {"tokens_per_s_at_1000": ours.get("tokens_per_s_at_0")}
        row("decode speed at 1000 vs at 0 (ours)", ours, flat, "tokens_per_s_at_1000", 0.8, "ours at 0")
        for fmt in ("bf16", "q8_0"):
            other = run_json(t4j + ["decode", "--preset", "gpt2-124m", "--positions", "0", "--weights", fmt, "--json"])
            row("decode %s vs fp32 at position 0 (ours)" % fmt, other, ours, "tokens_per_s_at_0", 1.8, "ours fp32")
        module = run_json(t4j + ["decode", "--engine", "module", "--preset", "gpt2-124m", "--positions", "0", "--json"])
        row("decode engine vs the module path at position 0 (ours)", ours, module, "tokens_per_s_at_0", None, "module path")
    if "jlama" in only:
        # The same random weights for both: a Hugging Face GPT-2 folder written by the torch script.
        folder = os.path.join(ROOT, "target", "peers", "gpt2-random")
        if not os.path.exists(os.path.join(folder, "model.safetensors")):
            subprocess.run(torch + ["save", folder], check=True)
        ours = run_json(t4j + ["decode", "--model", folder, "--positions", "0,1000", "--check-allocation", "--json"])
        peer = run_json([os.path.join(ROOT, "bench", "jlama", "run.sh"), "--model", folder, "--positions", "0,1000"])
        # Memory: the same folder memory-mapped, decoding at position 0, in a JVM given a small heap (the weights
        # live outside it, in the mapping); peak RSS (VmHWM) over the bytes of the weights.
        mem = run_json(t4j + ["decode", "--model", folder, "--positions", "0", "--json"],
                       dict(os.environ, JAVA_OPTS="-Xmx64m -XX:+UseSerialGC"))
        weights = {"peak_rss_bytes": mem.get("weight_bytes")}
        row("peak RSS / fp32 weight bytes, mapped, -Xmx64m (ours)", mem, weights, "peak_rss_bytes", -1.3,
            "weight bytes")
        print("allocation per decoded token: %s bytes (thread counters), %s JFR allocation events in 100 steps"
              % (ours.get("allocated_bytes_per_token"), ours.get("jfr_allocation_events")))
        row("decode tokens/s at position 0 (same safetensors)", ours, peer, "tokens_per_s_at_0", 1.0, "Jlama")
        row("decode tokens/s at position 1000 (same safetensors)", ours, peer, "tokens_per_s_at_1000", 1.0, "Jlama")

    print()
    print("date %s, %s, %s cores, load average before: %s" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
          platform.processor() or platform.machine(), os.cpu_count(), load_before))
    print("1-minute load average right before each of the %d commands: min %.2f, max %.2f" % (len(LOADS), min(LOADS),
          max(LOADS)) if LOADS else "")
    print("%-50s %12s %12s  %-15s %7s %6s %s" % ("what", "t4j", "peer", "peer", "ratio", "goal", ""))
    for what, o, p, name, ratio, goal in rows:
        f = lambda v: "%.1f" % v if isinstance(v, (int, float)) else "n/a"
        # goal: a number (ratio >= goal), a negative number (ratio <= -goal), or None (no goal)
        if ratio is None or goal is None:
            status, goal_text = "", "-"
        elif goal < 0:
            status, goal_text = ("met" if ratio <= -goal else "NOT met"), "<=%.1f" % -goal
        else:
            status, goal_text = ("met" if ratio >= goal else "NOT met"), ">=%.1f" % goal
        print("%-50s %12s %12s  %-15s %7s %6s %s" % (what, f(o), f(p), name, "%.2f" % ratio if ratio else "n/a",
                                                   goal_text, status))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(raw, fh, indent=1)


if __name__ == "__main__":
    main()
