using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Generator.Tests.Fuzz;

/// <summary>
/// The values the mutator writes into networks, as C# source text: extreme and non-finite numbers, enum values
/// outside their range, names that are keywords, generated members, framework namespaces or near C#'s
/// 512-character identifier limit, and strings with line breaks, quotes and lone surrogates.
/// </summary>
internal static class Hostile
{
    public static readonly string[] Ints =
    {
        "0", "-1", "1", "2", "3", "7", "int.MaxValue", "int.MinValue", "int.MaxValue - 1", "1 << 30", "65536", "46341",
        "1000000", "-int.MaxValue", "unchecked((int)0x80000001)", "0x7FFFFFC7", "0x40000000 / 3",
    };

    public static readonly string[] Longs =
    {
        "0", "-1", "1", "long.MaxValue", "long.MinValue", "long.MaxValue / 1024", "long.MaxValue / 1024 + 1", "9007199254740993L",
        "int.MaxValue", "1L << 40",
    };

    public static readonly string[] Doubles =
    {
        "double.NaN", "double.PositiveInfinity", "double.NegativeInfinity", "double.Epsilon", "-double.Epsilon", "double.MaxValue",
        "double.MinValue", "-0.0", "0.0", "1e-300", "1e308", "2.2250738585072014E-308", "1e-320", "0.5", "1.0", "-1.0",
        "0.999999999999", "1e-9", "1e-10", "1e15", "1e16", "(double)float.MaxValue", "float.NaN", "0.1f", "1", "int.MaxValue",
    };

    public static readonly string[] Activations =
    {
        "Activation.Relu", "Activation.Gelu", "Activation.None", "(Activation)9", "(Activation)6", "(Activation)(-1)",
        "(Activation)int.MaxValue", "default", "0", "(Activation)WireFormat.Int8",
    };

    public static readonly string[] WireFormats =
    {
        "WireFormat.Int8", "WireFormat.Float16", "WireFormat.BFloat16", "WireFormat.Float32", "(WireFormat)9", "(WireFormat)4",
        "(WireFormat)(-1)", "(WireFormat)int.MinValue",
    };

    public static readonly string[] Placements =
    {
        "PlacementMode.Auto", "PlacementMode.AutoTraining", "PlacementMode.Manual", "(PlacementMode)7", "(PlacementMode)(-1)", "(PlacementMode)3",
    };

    public static readonly string[] Bools = { "true", "false", "default", "!true" };

    public static readonly string[] Strings =
    {
        "\"\"", "\"\\n\"", "\"npu\\r\\n0\"", "\"a\\\"b\"", "\"back\\\\slash\"", "\"\\u2028\"", "\"\\uD800\"", "\"\\0\"", "null",
        "\"Plan\"", "\"input\"", "\"{0}\"", "\"</summary>\"", "\"*/ /*\"", "\"|\"", "\"名前\"", "\"\\t\"", "\"\\u0085\"",
        "\"" + new string('x', 600) + "\"", "\"#line 1\"", "\"\\\"\\\"\\\"\"", "\"\\uDC00\\uD800\"",
    };

    public static readonly string[] Shapes =
    {
        "new[] { 1 }", "new[] { 0 }", "new int[0]", "null", "new[] { int.MaxValue }", "new[] { int.MaxValue, int.MaxValue, int.MaxValue }",
        "new[] { 65536, 65536, 1 }", "new[] { 1, 46341, 46341 }", "new[] { 3, 32, 32 }", "new[] { 1, 2, 3, 4 }", "new[] { -1, 8, 8 }",
        "new[] { 1, 1, 1 }", "new[] { 2147483647, 1, 1 }", "new[] { 1, 1, int.MaxValue }", "new[] { 1048576 }", "new[] { 0x7FFFFFC7 }",
        "new[] { 0x7FFFFFC8 }", "new[] { 2, 1 }", "new[] { 4096, 4096, 4096 }", "new[] { 3, 65536, 65536 }",
    };

    /// <summary>Identifiers for layers, classes and members, as written in source.</summary>
    public static readonly string[] Names =
    {
        "@class", "@int", "@namespace", "@object", "@global", "global", "var", "record", "partial", "value", "field", "nameof",
        "dynamic", "async", "await", "@this", "@base", "@default", "@null", "@true",
        "Plan", "Parameters", "Programs", "__SdkPlan", "__SdkSpec", "__SdkLayers", "__SdkLayer", "__SdkParameters", "__SdkChip0",
        "__SdkView", "__SdkTrafficReport", "__sdkX", "__SDK", "_", "__", "_1",
        "System", "ILGPU", "Sdk", "Layer", "NetworkPlan", "INetwork", "Lazy", "Math", "Microsoft", "Compiler", "Runtime",
        "L0", "Pack0", "Unpack0", "Compute", "Load", "Pack", "Unpack", "Chip", "Backend", "Input", "Output", "Spec", "Name",
        "Equals", "GetHashCode", "ToString", "GetType", "Finalize", "MemberwiseClone", "Item",
        "Ünïcödé", "名前", "Δx", "A\u0301", "x\u200Dy", "\\u0041bc",
        Long(500), Long(511), Long(512), Long(513), Long(1000),
    };

    public static readonly string[] Namespaces =
    {
        "System", "Sdk", "Sdk.Runtime", "Sdk.Compiler", "Sdk.Runtime.Backends.Ilgpu", "ILGPU", "ILGPU.Runtime", "Global", "@class.@int",
        "@namespace", "A.B.C.D.E.F.G.H.I.J.K.L.M.N.O.P", "Microsoft.CodeAnalysis", "__Sdk", "@global", "Fuzz.@record.@var", "名前",
        "System.Threading", "Layer", "Sdk.Layer", "N" + Long(400),
    };

    /// <summary>An identifier of <paramref name="length"/> characters.</summary>
    public static string Long(int length) => "N" + new string('a', length - 1);

    /// <summary>The pool for an argument, from its name and how it is written now.</summary>
    public static IReadOnlyList<string> For(string? name, string current) => name switch
    {
        "InputShape" => Shapes,
        "Placement" => Placements,
        "Activation" => Activations,
        "Format" => WireFormats,
        "Name" or "Input" => Strings,
        "Bias" => Bools,
        "Gflops" or "GigabytesPerSecond" or "LatencyMicroseconds" or "Epsilon" or "Momentum" or "Rate" => Doubles,
        "MemoryKiB" or "BudgetBytesPerSample" => Longs,
        _ when current.StartsWith("Activation.", StringComparison.Ordinal) => Activations,
        _ when current.StartsWith("nameof", StringComparison.Ordinal) || current.StartsWith('"') => Strings,
        _ when current.Contains('.', StringComparison.Ordinal) && double.TryParse(current, out _) => Doubles,
        _ => Ints,
    };

    /// <summary>Every pool, for arguments of the wrong type.</summary>
    public static readonly string[][] All = { Ints, Longs, Doubles, Activations, WireFormats, Placements, Bools, Strings, Shapes };

    /// <summary>Named arguments each attribute takes, with their pools.</summary>
    public static readonly Dictionary<string, string[]> NamedArguments = new()
    {
        ["Network"] = new[] { "InputShape", "Placement" },
        ["Chip"] = new[] { "Name", "Gflops", "MemoryKiB" },
        ["Link"] = new[] { "GigabytesPerSecond", "LatencyMicroseconds", "BudgetBytesPerSample" },
        ["Conv2D"] = new[] { "Kernel", "Stride", "Padding", "Dilation", "Groups", "Bias", "Activation", "Input" },
        ["Dense"] = new[] { "Bias", "Activation", "Input" },
        ["MaxPool"] = new[] { "Stride", "Padding", "Input" },
        ["AvgPool"] = new[] { "Stride", "Padding", "Input" },
        ["BatchNorm"] = new[] { "Epsilon", "Momentum", "Activation", "Input" },
        ["Add"] = new[] { "Activation", "Input" },
        ["Concat"] = new[] { "Input" },
        ["Bottleneck"] = new[] { "Ratio" },
        ["Transfer"] = new[] { "Format" },
    };

    public static T Pick<T>(this Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    public static IEnumerable<T> Shuffle<T>(this Random r, IEnumerable<T> items) => items.OrderBy(_ => r.Next()).ToList();
}
