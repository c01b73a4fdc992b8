import Foundation
import ReverseFlow
import Testing

@Suite struct ConfigDecoderTests {
    /// A plain struct with synthesised `Decodable` reads a section: the coding keys are the
    /// section's key names.
    struct TrainerSection: Decodable, Equatable {
        var steps: Int
        var warmup: Int
        var tensorboard: Bool
        var batchSize: Int

        enum CodingKeys: String, CodingKey {
            case steps, warmup, tensorboard
            case batchSize = "batch_size"
        }
    }

    @Test func aSynthesisedTypeDecodesASection() throws {
        let config = try RunConfig.preset("cpu").overriding(["trainer.steps=123", "trainer.tensorboard=false"])
        let decoder = ConfigDecoder(config)
        let trainer = try decoder.container(keyedBy: ConfigKey.self).decode(TrainerSection.self, forKey: "trainer")
        #expect(trainer == TrainerSection(steps: 123, warmup: 2000, tensorboard: false, batchSize: 128))
        #expect(Set(decoder.keysRead) == ["trainer.steps", "trainer.warmup", "trainer.tensorboard", "trainer.batch_size"])
    }

    /// Numbers convert as `RunConfig`'s getters convert them, so settings decoded here are the
    /// ones `config.float(key)` gave.
    @Test func valuesConvertAsTheTypedGettersDo() throws {
        let config = try RunConfig.preset("paper").overriding(["critic.max_grad_norm=null"])
        let root = try ConfigDecoder(config).container(keyedBy: ConfigKey.self)
        for key in ConfigSchema.keys {
            switch key.kind {
            case .number:
                #expect(try root[key.name] as Float == config.float(key.name), "\(key.name)")
                #expect(try root[key.name] as Double == config.double(key.name), "\(key.name)")
            case .integer: #expect(try root[key.name] as Int == config.int(key.name), "\(key.name)")
            case .optionalNumber: #expect(try root[key.name] as Float? == config.optionalFloat(key.name), "\(key.name)")
            case .choice, .text, .jsonObject: #expect(try root[key.name] as String == config.string(key.name), "\(key.name)")
            case .boolean: #expect(try root[key.name] as Bool == config.bool(key.name), "\(key.name)")
            case .optionalBool: #expect(try root[key.name] as Bool? == config.optionalBool(key.name), "\(key.name)")
            }
        }
        #expect(try root["critic.max_grad_norm"] as Float? == nil)
        // An integer reads as a number too.
        #expect(try root["trainer.steps"] as Double == 250000)
    }

    @Test func aWrongTypeOrAMissingKeyIsADecodingErrorNamingTheKey() throws {
        let root = try ConfigDecoder(try RunConfig.preset("cpu")).container(keyedBy: ConfigKey.self)
        do {
            _ = try root["critic.lr"] as Int
            Issue.record("decoded a number as an integer")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["critic.lr"])
        }
        do {
            _ = try root.section("sac")["alpha_lrr"] as Float
            Issue.record("decoded a missing key")
        } catch DecodingError.keyNotFound(_, let context) {
            #expect(context.debugDescription == "no config key 'sac.alpha_lrr'")
        }
    }
}
