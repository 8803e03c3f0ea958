package org.transformer4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An indexed list of modules; children are named 0, 1, 2, ... as in PyTorch's ModuleList. */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    public ModuleList(List<M> modules) {
        for (M m : modules) {
            items.add(child(Integer.toString(items.size()), m));
        }
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    public List<M> items() {
        return Collections.unmodifiableList(items);
    }
}
