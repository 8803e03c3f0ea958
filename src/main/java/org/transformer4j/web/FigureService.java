package org.transformer4j.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.transformer4j.figure.Figure;
import org.transformer4j.figure.FigureJson;
import org.transformer4j.figure.FigureLayout;
import org.transformer4j.figure.Figures;
import org.transformer4j.figure.SvgWriter;
import org.transformer4j.figure.Trace;
import org.transformer4j.model.ExampleInputs;
import org.transformer4j.nn.Module;

/**
 * The traced figure as JSON or SVG, at a level with modules opened or closed. The model is traced once;
 * each distinct request is drawn once (one computation even when many ask at the same time) and kept in a
 * small cache. Paths to open or close must be module paths of the model.
 */
final class FigureService {
    /** Distinct figures kept. */
    static final int CACHE_SIZE = 64;
    /** The most paths one request may open or close. */
    static final int MAX_PATHS = 64;

    /** One figure request, normalised (paths sorted) so that equal requests share a cache entry. */
    record Key(Figure.Level level, String format, Set<String> expand, Set<String> collapse) {
    }

    private final Workbench workbench;
    private final Jobs jobs;
    private final Set<String> modulePaths;
    private final Map<Key, CompletableFuture<String>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<String>> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    private Trace trace;

    FigureService(Workbench workbench, Jobs jobs) {
        this.workbench = workbench;
        this.jobs = jobs;
        this.modulePaths = workbench.modules().keySet();
    }

    /** Checks a request's query values and makes its key. */
    Key key(String level, String format, List<String> expand, List<String> collapse) {
        Figure.Level lvl = switch (level == null ? "paper" : level) {
            case "paper" -> Figure.Level.PAPER;
            case "blocks" -> Figure.Level.BLOCKS;
            case "ops" -> Figure.Level.OPS;
            default -> throw ApiError.badRequest("unknown level \"" + RequestJson.abbreviate(level)
                    + "\"; use paper, blocks or ops");
        };
        String fmt = format == null ? "json" : format;
        if (!fmt.equals("json") && !fmt.equals("svg")) {
            throw ApiError.badRequest("unknown format \"" + RequestJson.abbreviate(fmt) + "\"; use json or svg");
        }
        if (expand.size() + collapse.size() > MAX_PATHS) {
            throw ApiError.badRequest("at most " + MAX_PATHS + " expand and collapse paths, got "
                    + (expand.size() + collapse.size()));
        }
        return new Key(lvl, fmt, paths(expand, "expand"), paths(collapse, "collapse"));
    }

    private Set<String> paths(List<String> given, String what) {
        Set<String> out = new TreeSet<>();
        for (String p : given) {
            if (p.isEmpty() || !modulePaths.contains(p)) {
                throw ApiError.badRequest(what + ": \"" + RequestJson.abbreviate(p) + "\" is not a module path of this "
                        + "model (GET /api/model lists them)");
            }
            out.add(p);
        }
        return out;
    }

    /** The figure's text (JSON or SVG), drawn now or taken from the cache. */
    String render(Key key) {
        CompletableFuture<String> existing;
        Jobs.Running<String> running = null;
        synchronized (cache) {                 // one drawing per key: later requests wait for the first one's
            existing = cache.get(key);
            if (existing == null) {
                running = jobs.start(stop -> draw(key));
                cache.put(key, running.result());
            }
        }
        if (running == null) {
            return await(existing);
        }
        CompletableFuture<String> mine = running.result();
        mine.whenComplete((v, e) -> {
            if (e != null) {
                synchronized (cache) {
                    cache.remove(key, mine);        // a failed drawing is not kept
                }
            }
        });
        return jobs.await(running);
    }

    private String await(CompletableFuture<String> f) {
        try {
            return f.get(jobs.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw jobs.timedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "interrupted while drawing the figure");
        } catch (ExecutionException e) {
            throw Jobs.rethrow(e.getCause());
        }
    }

    private String draw(Key key) {
        Figures.Options options = new Figures.Options(key.expand(), key.collapse(), true, workbench.name());
        Figure f = Figures.of(trace(), key.level(), options);
        if (key.format().equals("json")) {
            return FigureJson.write(f);
        }
        FigureLayout.Options layout = FigureLayout.Options.defaults().withEdgeShapes(key.level() != Figure.Level.PAPER);
        return SvgWriter.write(FigureLayout.layout(f, layout));
    }

    private synchronized Trace trace() {
        if (trace == null) {
            Module m = workbench.model();
            trace = Trace.of(m, ExampleInputs.forward(m));
        }
        return trace;
    }
}
