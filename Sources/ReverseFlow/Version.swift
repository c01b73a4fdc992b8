/// The project's version, printed by `rfm --version` and written into run folders.
public enum ReverseFlowVersion {
    public static let string = "0.1.0"
}
