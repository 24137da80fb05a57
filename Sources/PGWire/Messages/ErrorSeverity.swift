/// The severity of an ErrorResponse or NoticeResponse, as the non-localized 'V' field spells it
/// (PostgreSQL protocol, "Error and Notice Message Fields").
public enum ErrorSeverity: String, Sendable, Equatable {
    /// ERROR: the current command failed; the session continues.
    case error = "ERROR"
    /// FATAL: the session is ending.
    case fatal = "FATAL"
    /// PANIC: the whole server is restarting.
    case panic = "PANIC"
    /// WARNING (notices only).
    case warning = "WARNING"
    /// NOTICE (notices only).
    case notice = "NOTICE"
    /// DEBUG (notices only).
    case debug = "DEBUG"
    /// INFO (notices only).
    case info = "INFO"
    /// LOG (notices only).
    case log = "LOG"
}
