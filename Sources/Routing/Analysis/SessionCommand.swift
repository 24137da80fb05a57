/// A `SET`/`RESET` of one of pgring's own session settings, which pgring applies itself and never forwards:
///
/// - `SET pgring.shard_key = <value>` / `TO <value>`: hash this value for statements that carry no key;
/// - `SET pgring.shard = <name>`: pin every statement to this shard;
/// - `SET pgring.target = primary|replica|auto`: the role reads use;
/// - `RESET pgring.<name>` or `SET pgring.<name> TO DEFAULT`: clear the setting.
///
/// The value may be a string, a number (with sign) or a bare word.
public struct SessionCommand: Sendable, Hashable {
    /// Which setting, and its new value.
    public var setting: SessionSetting
    /// True for `SET LOCAL`: the setting lasts until the end of the current transaction.
    public var isLocal: Bool

    /// Creates a command.
    public init(setting: SessionSetting, isLocal: Bool = false) {
        self.setting = setting
        self.isLocal = isLocal
    }
}

/// One pgring session setting and its new value (nil value: reset to the default).
public enum SessionSetting: Sendable, Hashable {
    /// `pgring.shard_key`.
    case shardKey(String?)
    /// `pgring.shard`.
    case shard(String?)
    /// `pgring.target`; nil when reset (same as `.auto`).
    case target(TargetOverride?)
    /// A `pgring.*` name pgring does not know, or a value it cannot use; carries the full name and the value.
    case invalid(name: String, value: String?)
}
