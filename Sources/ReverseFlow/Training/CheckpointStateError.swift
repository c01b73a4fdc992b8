/// A checkpoint's non-tensor state is inconsistent.
public enum CheckpointStateError: Error, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let why): "invalid checkpoint state: \(why)" }
    }
}
