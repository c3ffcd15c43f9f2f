using System;
using System.Globalization;
using Sdk;
using Sdk.Compiler;
using Sdk.Runtime.Training;

namespace CompressionStudy;

/// <summary>
/// How a tensor of the format study travels, by its canonical name: a fixed encoding (<c>Float32</c>,
/// <c>BFloat16</c>, <c>Float16</c>, <c>Int8</c>, <c>Truncated:12</c>) or adaptive precision
/// (<c>Adaptive:12:0.0001:30</c>: start bits, threshold, interval).
/// </summary>
public sealed record StudyWire(string Name, WireEncoding? Fixed, AdaptivePrecision? Adaptive)
{
    /// <summary>The format study's default list: the four fixed formats, three truncations, adaptive at two thresholds.</summary>
    public static string[] Defaults { get; } =
        ["Float32", "BFloat16", "Float16", "Int8", "Truncated:8", "Truncated:12", "Truncated:16", "Adaptive:12:0.0001:30", "Adaptive:12:0.001:30"];

    public bool IsFloat32 => Fixed is { Format: WireFormat.Float32 };

    /// <summary>Short, for plot labels: <c>BF16</c>, <c>T12</c>, <c>A12/1e-4</c>.</summary>
    public string Label => Adaptive is { } a ? string.Create(CultureInfo.InvariantCulture, $"A{a.StartBits}/{a.Threshold:0e0}")
        : Fixed!.Value.Format switch
        {
            WireFormat.Float32 => "F32",
            WireFormat.BFloat16 => "BF16",
            WireFormat.Float16 => "F16",
            WireFormat.Int8 => "I8",
            _ => $"T{Fixed.Value.Bits}",
        };

    /// <summary>Readable: <c>Truncated(12)</c>, <c>adaptive from 12 bits, 1e-4 / 30</c>.</summary>
    public string Description => Adaptive is { } a
        ? string.Create(CultureInfo.InvariantCulture, $"adaptive from {a.StartBits} bits, {a.Threshold:0e0} / {a.Interval}")
        : Fixed!.Value.ToString();

    /// <summary>The wire of <paramref name="name"/> (case-insensitive), its name made canonical.</summary>
    /// <exception cref="ArgumentException">Not a format name, or bits, threshold or interval out of range.</exception>
    public static StudyWire Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split(':');
        try
        {
            switch (parts[0].ToLowerInvariant())
            {
                case "float32" or "bfloat16" or "float16" or "int8" when parts.Length == 1:
                {
                    var format = Enum.Parse<WireFormat>(parts[0], ignoreCase: true);
                    return new StudyWire(format.ToString(), format, null);
                }

                case "truncated" when parts.Length == 2:
                {
                    var encoding = WireEncoding.Truncated(int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture)).Validate();
                    return new StudyWire($"Truncated:{encoding.Bits}", encoding, null);
                }

                case "adaptive" when parts.Length == 4:
                {
                    var policy = new AdaptivePrecision(
                        int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture),
                        double.Parse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture),
                        int.Parse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture));
                    return new StudyWire(string.Create(CultureInfo.InvariantCulture, $"Adaptive:{policy.StartBits}:{policy.Threshold}:{policy.Interval}"), null, policy);
                }
            }
        }
        catch (Exception error) when (error is FormatException or OverflowException or ArgumentException)
        {
            throw new ArgumentException($"format '{name}': {error.Message}", error);
        }

        throw new ArgumentException($"format '{name}' is none of Float32, BFloat16, Float16, Int8, Truncated:BITS, Adaptive:BITS:THRESHOLD:INTERVAL");
    }
}
