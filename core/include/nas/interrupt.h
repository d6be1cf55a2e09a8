// SIGINT/SIGTERM: the first one asks the run to stop after the evaluation
// in flight (its log line is written, a partial summary marked
// "complete": false follows, and nasrun says how to resume); a second one
// ends the process at once, which loses nothing either: logs are complete
// line by line and --resume drops a torn last line.
#pragma once

namespace nas {

void install_interrupt_handlers();
bool stop_requested();

}  // namespace nas
