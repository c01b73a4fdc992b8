/// The `gym.*` configuration keys as task options: null keys keep the task's v5 default.
extension GymnasiumOptions {
    public init(config: RunConfig) {
        self.init(forwardRewardWeight: config.optionalDouble("gym.forward_reward_weight"),
                  ctrlCostWeight: config.optionalDouble("gym.ctrl_cost_weight"),
                  contactCostWeight: config.optionalDouble("gym.contact_cost_weight"),
                  healthyReward: config.optionalDouble("gym.healthy_reward"),
                  resetNoiseScale: config.optionalDouble("gym.reset_noise_scale"),
                  terminateWhenUnhealthy: config.optionalBool("gym.terminate_when_unhealthy"))
    }
}
