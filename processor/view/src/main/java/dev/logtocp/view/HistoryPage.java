package dev.logtocp.view;

import java.util.List;

/**
 * One page of a user's history (JSON answer of {@code GET /users/{ref}/history}).
 *
 * @param ref        the user reference asked for
 * @param by         {@code key} (the record key commands were sent with) or {@code userId} (the Logto user id)
 * @param order      {@code asc} (oldest first) or {@code desc}
 * @param total      how many entries this user's history has
 * @param entries    at most {@code limit} entries in {@code order}
 * @param nextCursor the {@code cursor} for the next page, or null on the last page
 */
public record HistoryPage(
        String ref, String by, String order, long total, List<HistoryEntry> entries, Long nextCursor) {}
