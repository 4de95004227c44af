/// The version of pglens, as reported by `pglens --version`, the report and the admin console.
public enum PGLensVersion {
    /// The version string.
    public static let current = "0.5.0-dev"
}
