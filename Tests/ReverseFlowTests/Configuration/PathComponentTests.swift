import Environments
import Testing
import ReverseFlow

@Suite("Path components")
struct PathComponentTests {
    @Test("Every built-in environment name is a valid run-folder name")
    func environmentNames() {
        for name in EnvironmentRegistry.names { #expect(PathComponent.isValid(name), "\(name) is a valid run-folder name") }
    }

    @Test("Names of the safe set pass unchanged", arguments: ["pendulum", "cartpole-swingup", "rfm-noise", "v1.2_b", "A", String(repeating: "x", count: 128)])
    func valid(name: String) throws {
        #expect(PathComponent.isValid(name))
        #expect(try PathComponent.validate(name, what: "agent") == name)
    }

    @Test("Anything else is one line naming what and the value", arguments: [
        "", ".", "..", ".hidden", "-rf", "a/b", "../x", "rfm #/../../../tmp/x", "a b", "a\nb", "é", "a\u{0}b",
        String(repeating: "x", count: 129),
    ])
    func invalid(name: String) throws {
        #expect(!PathComponent.isValid(name))
        do {
            try PathComponent.validate(name, what: "sweep agent")
            Issue.record("accepted '\(name)'")
        } catch let e as ConfigError {
            #expect(e.message.hasPrefix("sweep agent '\(PathComponent.escaped(name))' is not a valid name: use 1–128 characters"))
            #expect(!e.message.contains("\n"))
        }
    }

    @Test("Whole paths may hold any character but a control character")
    func paths() throws {
        #expect(try PathComponent.validatePath("/tmp/a b/'q'/$(x)", what: "out") == "/tmp/a b/'q'/$(x)")
        #expect(throws: ConfigError("out 'a\\nb' contains a control character (such as a newline)")) {
            try PathComponent.validatePath("a\nb", what: "out")
        }
        #expect(throws: ConfigError("out is empty")) { try PathComponent.validatePath("", what: "out") }
    }
}
