extension Adam {
    /// The optimiser's moments as named tensors under `prefix` (`prefix.m.<name>`, `prefix.v.<name>`).
    public func stateTensors(prefix: String) -> ParameterList {
        ParameterList(names: firstMoment.names.map { "\(prefix).m.\($0)" }, tensors: firstMoment.tensors)
            + ParameterList(names: secondMoment.names.map { "\(prefix).v.\($0)" }, tensors: secondMoment.tensors)
    }
}
