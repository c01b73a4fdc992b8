import TensorCore

/// Anything that holds trainable tensors: a layer, a network, a pair of critics.
///
/// The one requirement is a walk over the tensors in a fixed order with stable dotted names
/// (`layers.0.kernel`). Gradients, Adam moments and target networks are containers of the same
/// structure (``zerosLike()``), so optimisers, clipping, Polyak averaging and checkpoints are all
/// written once, as walks over name-aligned lists.
public protocol ParameterContainer: AnyObject {
    /// Calls `body` with each parameter's dotted name and tensor, always in the same order.
    func forEachParameter(_ body: (String, Tensor) throws -> Void) rethrows

    /// A container of the same structure with every tensor zero (gradients, moments).
    func zerosLike() -> Self
}

/// A tensor with its dotted name.
public struct NamedTensor: @unchecked Sendable {
    public let name: String
    public let tensor: Tensor

    public init(_ name: String, _ tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }
}

extension ParameterContainer {
    /// The parameters as a list, each name prefixed with `prefix.` when `prefix` is not empty.
    public func namedParameters(prefix: String = "") -> [NamedTensor] {
        var out: [NamedTensor] = []
        forEachParameter { name, t in out.append(NamedTensor(prefix.isEmpty ? name : "\(prefix).\(name)", t)) }
        return out
    }

    /// Total number of scalar parameters.
    public var parameterCount: Int {
        var n = 0
        forEachParameter { _, t in n += t.count }
        return n
    }

    /// A deep copy (target networks).
    public func copy() -> Self {
        let c = zerosLike()
        c.assign(from: self)
        return c
    }

    /// Copies every tensor of `other` (same structure) into this container.
    public func assign(from other: Self) {
        zipParameters(self, other) { a, b in a.assign(b) }
    }

    /// Sets every tensor to zero.
    public func zero() {
        forEachParameter { _, t in t.fill(0) }
    }
}

/// A container's parameters flattened once into name-aligned arrays.
///
/// Optimisers, clipping, Polyak averaging and checkpoints walk these lists, so a step in the hot
/// loop builds no names and allocates nothing. Two lists of containers of the same structure are
/// aligned index by index.
public struct ParameterList: @unchecked Sendable {
    public let names: [String]
    public let tensors: [Tensor]

    public init(_ container: some ParameterContainer, prefix: String = "") {
        let named = container.namedParameters(prefix: prefix)
        names = named.map(\.name)
        tensors = named.map(\.tensor)
    }

    public init(names: [String], tensors: [Tensor]) {
        precondition(names.count == tensors.count, "ParameterList: \(names.count) names for \(tensors.count) tensors")
        self.names = names
        self.tensors = tensors
    }

    public var count: Int { tensors.count }

    /// The lists one after the other (e.g. both critics of a pair).
    public static func + (a: ParameterList, b: ParameterList) -> ParameterList {
        ParameterList(names: a.names + b.names, tensors: a.tensors + b.tensors)
    }

    /// Checks that `other` has the same names and shapes, index by index.
    public func checkAligned(with other: ParameterList, _ what: StaticString) {
        precondition(count == other.count, "\(what): \(count) vs \(other.count) tensors")
        for i in 0..<count {
            precondition(names[i] == other.names[i] && tensors[i].sameShape(other.tensors[i]),
                         "\(what): \(names[i]) \(tensors[i].shape) vs \(other.names[i]) \(other.tensors[i].shape)")
        }
    }
}

/// Walks two containers of the same structure side by side; names and shapes must agree.
public func zipParameters(_ a: some ParameterContainer, _ b: some ParameterContainer,
                          _ body: (Tensor, Tensor) -> Void) {
    let left = ParameterList(a), right = ParameterList(b)
    left.checkAligned(with: right, "zipParameters")
    for (x, y) in zip(left.tensors, right.tensors) { body(x, y) }
}
