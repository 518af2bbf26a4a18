// Application-wide pieces of hafront-console: the UI language and the
// --screenshot mode (wait for every node's first status, grab, save).
#pragma once

#include <QString>

#include <functional>

namespace hafront::views {

class MainWindow;

// `locale` empty = the system's. Returns the locale in use.
QString installTranslations(const QString &locale);

// Shows `window`, waits up to `timeoutMs` for the first status of every node,
// saves window.grab() to `file`. Returns why it could not (which node, why).
QString renderScreenshot(MainWindow &window, const QString &file, int timeoutMs);

// Runs the event loop until `done` or `timeoutMs`; returns done().
bool waitFor(const std::function<bool()> &done, int timeoutMs);

} // namespace hafront::views
