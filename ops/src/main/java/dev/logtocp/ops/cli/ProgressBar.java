package dev.logtocp.ops.cli;

/** A plain-text progress bar: {@code [#########-----------]  45%  450/1000}. */
final class ProgressBar {
    private ProgressBar() {}

    static String render(long done, long total, int width) {
        long clamped = Math.max(0, Math.min(done, total));
        int filled = total <= 0 ? width : (int) (clamped * width / total);
        int percent = total <= 0 ? 100 : (int) (clamped * 100 / total);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + String.format("%3d%%", percent) + "  "
                + clamped + "/" + total;
    }
}
