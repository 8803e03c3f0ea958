package org.transformer4j.web;

/** The input ids of a request: its text encoded, or its "ids", within the input limits. */
final class Inputs {
    private Inputs() {
    }

    /**
     * Reads exactly one of {@code textField} and "ids".
     *
     * @param positions the longest input the model takes (its positions, less room it needs for output)
     */
    static int[] read(RequestJson req, String textField, Workbench wb, ServerLimits limits, int positions) {
        String text = req.string(textField);
        int[] ids = req.ids("ids", Workbench.inputVocab(wb.config()));
        if (text != null && ids != null) {
            throw ApiError.badRequest("give either \"" + textField + "\" or \"ids\", not both");
        }
        if (text == null && ids == null) {
            throw ApiError.badRequest("missing \"" + textField + "\" (or \"ids\", the input as token ids)");
        }
        if (text != null) {
            if (text.isBlank()) {
                throw ApiError.badRequest("\"" + textField + "\" is empty");
            }
            // A cheap bound before tokenizing: no tokenizer here makes fewer than one token per 64 characters.
            if (text.length() > 64L * limits.maxInputTokens()) {
                throw tooLong(text.length() + " characters", limits.maxInputTokens(), "--max-input-tokens");
            }
            ids = wb.codec().encode(text);
            if (ids.length == 0) {
                throw ApiError.badRequest("\"" + textField + "\" gives no tokens");
            }
        }
        if (ids.length > limits.maxInputTokens()) {
            throw tooLong(ids.length + " tokens", limits.maxInputTokens(), "--max-input-tokens");
        }
        if (ids.length > positions) {
            throw tooLong(ids.length + " tokens", positions, "the model's positions");
        }
        return ids;
    }

    private static ApiError tooLong(String what, int limit, String why) {
        return ApiError.badRequest("the input of " + what + " is longer than the limit of " + limit + " tokens (" + why + ")");
    }
}
