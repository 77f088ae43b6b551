/// Who may keep the entry-ban registry. Bans name people who may not enter Russia, so reading and writing them
/// is the registry officers' work alone; migration officers learn of a ban only through a case's check.
public enum EntryBanPolicy {
    /// List, add, lift and import bans.
    public static func mayManage(_ role: Role) -> Bool {
        role == .registryOfficer
    }

    /// Passport numbers are the most identifying field of a record; they go to registry officers only, even if
    /// another role is ever allowed to read the list.
    public static func maySeePassportNumbers(_ role: Role) -> Bool {
        role == .registryOfficer
    }
}
