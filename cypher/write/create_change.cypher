// Record a change in the history: who, when, why, and every edit's before and after (as JSON).
CREATE (c:PartnergraphChange {seq: $seq, at: $at, author: $author, action: $action, source: $source,
                              comment: $comment, reverts: $reverts, summary: $summary, edits: $edits,
                              touches: $touches})
