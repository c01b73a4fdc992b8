import Foundation

/// Gymnasium's Pendulum drawn without GL: a rod from the pivot at the frame's centre, θ = 0
/// pointing up and θ growing anticlockwise (as Gymnasium draws it), on a light background.
public enum PendulumDrawing {
    public static func frame(theta: Double, width: Int, height: Int) -> Frame {
        var f = Frame(width: width, height: height, fill: Frame.RGB(255, 255, 255))
        let cx = Double(width) / 2, cy = Double(height) / 2
        // The rod (length l = 1) spans 40 % of the shorter side, as in Gymnasium's 2.2-unit view.
        let length = 0.4 * Double(min(width, height))
        let tipX = cx - length * sin(theta), tipY = cy - length * cos(theta)
        let thickness = max(2, 0.08 * Double(min(width, height)))
        f.drawLine(x0: cx, y0: cy, x1: tipX, y1: tipY, thickness: thickness, Frame.RGB(204, 77, 77))
        f.fillDisc(cx: cx, cy: cy, r: thickness / 4, .black)
        return f
    }
}
