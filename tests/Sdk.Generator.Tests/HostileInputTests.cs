using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sdk.Generator.Tests.Fuzz;
using Sdk.Generator.Tests.Infrastructure;

namespace Sdk.Generator.Tests;

/// <summary>
/// One case per class of hostile input reported against the generator (overflowing sizes, non-finite costs,
/// names that collide with generated code, classes and properties of odd forms): each must end in the SDK
/// diagnostic named here, on the user's code, or build, with nothing reported inside a generated file and no
/// generator failure (the fuzz oracle); a network that builds and is small also runs on CPU chips like the
/// reference interpreter.
/// </summary>
public class HostileInputTests
{
    private const string Builds = "builds";

    public static IEnumerable<object[]> Cases() => new (string Name, string Expected, string Source)[]
    {
        // Sizes: every overflow is a diagnostic, never a plan with sizes the kernels cannot index.
        ("dilation int.MaxValue", "SDK0013", Net(Input(3, 8, 8), "[Conv2D(4, Dilation = int.MaxValue)] public partial Layer C { get; }")),
        ("padding int.MaxValue", "SDK0006", Net(Input(3, 8, 8), "[Conv2D(4, Padding = int.MaxValue)] public partial Layer C { get; }")),
        ("padding and stride int.MaxValue give a 3x3 output", "SDK0006", Net(Input(3, 8, 8), "[Conv2D(4, Padding = int.MaxValue, Stride = int.MaxValue)] public partial Layer C { get; }")),
        ("padding a million, stride a million", "SDK0006", Net(Input(3, 8, 8), "[Conv2D(4, Padding = 1000000, Stride = 1000000)] public partial Layer C { get; }")),
        ("pool window and padding huge", "SDK0006", Net(Input(3, 8, 8), "[MaxPool(int.MaxValue, Padding = int.MaxValue / 2)] public partial Layer P { get; }")),
        ("bottleneck ratio int.MaxValue", Builds, Net(Input(8) + "[Chip(0)][Chip(1)]", "[Dense(8)] public partial Layer A { get; }", "[OnChip(1), Bottleneck(Ratio = int.MaxValue), Dense(4)] public partial Layer B { get; }")),
        ("bottleneck ratio int.MinValue", "SDK0006", Net(Input(8), "[Dense(8)] public partial Layer A { get; }", "[OnChip(1), Bottleneck(Ratio = int.MinValue), Dense(4)] public partial Layer B { get; }")),
        ("input shape int.MaxValue", "SDK0002", Net(Input("int.MaxValue"), "[Dense(4)] public partial Layer D { get; }")),
        ("input shape 65536 x 65536", "SDK0002", Net(Input(65536, 65536, 1), "[Dense(4)] public partial Layer D { get; }")),
        ("filters int.MaxValue", "SDK0035", Net(Input(3, 8, 8), "[Conv2D(int.MaxValue, Kernel = 1)] public partial Layer C { get; }")),
        ("concat past a tensor", "SDK0035", Net(Input(1, 1, 1), "[Conv2D(int.MaxValue / 2 + 1, Kernel = 1)] public partial Layer A { get; }", "[Concat(nameof(A), nameof(A))] public partial Layer J { get; }")),
        ("dense weight past a tensor", "SDK0036", Net(Input(65536), "[Dense(65536)] public partial Layer D { get; }")),
        ("auto placement of a weight past a tensor", "SDK0036", "[Network(InputShape = new[] { 1, 8, 8 }, Placement = PlacementMode.Auto)][Chip(0, Gflops = 1)][Chip(1, Gflops = 2)]\n" +
            "public partial class N\n{\n    [MaxPool(1, Stride = 2)] public partial Layer P { get; }\n    [Dense(0x40000000 / 3)] public partial Layer D { get; }\n}\n"),
        ("chip int.MaxValue", "SDK0015", Net(Input(4), "[OnChip(int.MaxValue), Dense(4)] public partial Layer D { get; }")),

        // Costs: non-finite, denormal and absurd numbers are argument errors, never a generator exception.
        ("gflops NaN", "SDK0006", Net(Input(4) + "[Chip(0, Gflops = double.NaN)]", "[Dense(4)] public partial Layer D { get; }")),
        ("gflops infinity", "SDK0006", Net(Input(4) + "[Chip(0, Gflops = double.PositiveInfinity)]", "[Dense(4)] public partial Layer D { get; }")),
        ("gflops denormal", "SDK0006", Net(Input(4) + "[Chip(0, Gflops = double.Epsilon)]", "[Dense(4)] public partial Layer D { get; }")),
        ("bandwidth denormal", "SDK0016", Net(Input(4) + "[Link(0, 1, GigabytesPerSecond = double.Epsilon)]", "[Dense(4)] public partial Layer D { get; }")),
        ("bandwidth NaN", "SDK0016", Net(Input(4) + "[Link(0, 1, GigabytesPerSecond = double.NaN)]", "[Dense(4)] public partial Layer D { get; }")),
        ("latency infinity", "SDK0016", Net(Input(4) + "[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = double.PositiveInfinity)]", "[Dense(4)] public partial Layer D { get; }")),
        ("memory long.MaxValue", "SDK0006", Net(Input(4) + "[Chip(0, MemoryKiB = long.MaxValue)]", "[Dense(4)] public partial Layer D { get; }")),
        ("batchnorm epsilon NaN", "SDK0006", Net(Input(4), "[BatchNorm(Epsilon = double.NaN)] public partial Layer B { get; }")),
        ("batchnorm epsilon infinity", "SDK0006", Net(Input(4), "[BatchNorm(Epsilon = double.PositiveInfinity)] public partial Layer B { get; }")),
        ("batchnorm epsilon denormal", Builds, Net(Input(4), "[BatchNorm(Epsilon = double.Epsilon)] public partial Layer B { get; }")),
        ("dropout NaN", "SDK0006", Net(Input(4), "[Dropout(double.NaN)] public partial Layer D { get; }")),
        ("chip names with quotes, a lone surrogate, markdown and a line separator", Builds, Net(Input(4) + "[Chip(0, Name = \"\\\"q\\\" \\\\ |\")][Chip(1, Name = \"\\uD800 \\u2028 */\")]",
            "[Dense(4)] public partial Layer A { get; }", "[OnChip(1), Dense(4)] public partial Layer B { get; }")),
        ("chip name with a newline", "SDK0006", Net(Input(4) + "[Chip(0, Name = \"npu\\n0\")]", "[Dense(4)] public partial Layer D { get; }")),

        // Enum values outside their range.
        ("placement 7", "SDK0006", "[Network(InputShape = new[] { 4 }, Placement = (PlacementMode)7)]\npublic partial class N { [Dense(4)] public partial Layer D { get; } }"),
        ("activation 9", "SDK0006", Net(Input(4), "[Dense(4, Activation = (Activation)9)] public partial Layer D { get; }")),
        ("wire format 9", "SDK0006", Net(Input(4), "[Dense(4)] public partial Layer A { get; }", "[OnChip(1), Transfer(Format = (WireFormat)9), Dense(4)] public partial Layer B { get; }")),

        // Names: keywords, contextual keywords, lower case and generated members.
        ("class @class", Builds, Net(Input(4), "[Dense(4)] public partial Layer D { get; }").Replace("class N", "class @class")),
        ("class @record", Builds, Net(Input(4), "[Dense(4)] public partial Layer D { get; }").Replace("class N", "class @record")),
        ("class var", Builds, "namespace Models;\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }").Replace("class N", "class var")),
        ("class in lower case", Builds, Net(Input(4), "[Dense(4)] public partial Layer D { get; }").Replace("class N", "class net")),
        ("layers @int, @class, var, nameof, value", Builds, Net(Input(4), "[Dense(4)] public partial Layer @int { get; }", "[Dense(4)] public partial Layer @class { get; }",
            "[Dense(4)] public partial Layer var { get; }", "[Dense(4)] public partial Layer nameof { get; }", "[Add(nameof(@int))] public partial Layer value { get; }")),
        ("layer Plan", "SDK0037", Net(Input(4), "[Dense(4)] public partial Layer Plan { get; }")),
        ("layer Programs", "SDK0037", Net(Input(4), "[Dense(4)] public partial Layer Programs { get; }")),
        ("layer __SdkLayers", "SDK0037", Net(Input(4), "[Dense(4)] public partial Layer __SdkLayers { get; }")),
        ("class System in the global namespace", "SDK0041", "public partial class System { }\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }")),
        ("network nested in class System", "SDK0041", "public partial class System {\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }") + "}\n"),
        ("namespace Sdk.Layer", "SDK0041", "namespace Sdk.Layer;\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }")),
        ("class Sdk.Runtime", "SDK0041", "namespace Sdk { public class Runtime { } }\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }")),
        ("class ILGPU in the global namespace", "SDK0041", "public class ILGPU { }\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }")),
        ("class System.Lazy", "SDK0041", "namespace System { public class Lazy { } }\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }")),
        ("a polyfill in System and namespaces Sdk.Models, ILGPU.Extra", Builds, "namespace System.Runtime.CompilerServices { internal static class IsExternalInit { } }\nnamespace Sdk.Models { public class X { } }\nnamespace ILGPU.Extra { }\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }")),
        ("class System in a namespace", Builds, "namespace Models;\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }").Replace("class N", "class System")),
        ("namespace with keywords", Builds, "namespace @class.@int.@record;\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }")),
        ("class and layer names of 511 characters", Builds, Net(Input(4), $"[Dense(4)] public partial Layer L{Hostile.Long(510)} {{ get; }}").Replace("class N", "class " + Hostile.Long(511))),

        // Classes and properties of odd forms.
        ("static class", "SDK0038", Net(Input(4), "[Dense(4)] public partial Layer D { get; }").Replace("public partial class", "public static partial class")),
        ("file class", "SDK0038", Net(Input(4), "[Dense(4)] public partial Layer D { get; }").Replace("public partial class", "file partial class")),
        ("record", "SDK0038", Net(Input(4), "[Dense(4)] public partial Layer D { get; }").Replace("public partial class", "public partial record")),
        ("nested in a generic class", "SDK0038", "public partial class Outer<T> {\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }") + "}\n"),
        ("nested 30 deep", Builds, string.Concat(Enumerable.Range(0, 30).Select(i => $"partial class O{i} {{\n")) + Net(Input(4), "[Dense(4)] public partial Layer D { get; }") + new string('}', 30)),
        ("nested in a ref struct, a record and an interface", Builds,
            "ref partial struct A { partial record B { partial interface C {\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }") + "} } }"),
        ("virtual layer", "SDK0003", Net(Input(4), "[Dense(4)] public virtual partial Layer D { get; }")),
        ("new layer", "SDK0003", Net(Input(4), "[Dense(4)] public new partial Layer D { get; }")),
        ("required layer", "SDK0003", Net(Input(4), "[Dense(4)] public required partial Layer D { get; }")),
        ("abstract layer", "SDK0003", Net(Input(4), "[Dense(4)] public abstract partial Layer D { get; }").Replace("public partial class", "public abstract partial class")),
        ("layer implemented by the user", "SDK0003", Net(Input(4), "[Dense(4)] public partial Layer D { get; }", "public partial Layer D { get => null!; }")),
        ("layer without accessibility", Builds, Net(Input(4), "[Dense(4)] partial Layer D { get; }", "[Dense(4)] internal protected partial Layer E { get; }")),
        ("base class with Plan", "SDK0037", "public class Base { public int Plan; }\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }").Replace("class N", "class N : Base")),
        ("base network", "SDK0038", Net(Input(4), "[Dense(4)] public partial Layer D { get; }") + Net(Input(4), "[Dense(4)] public partial Layer E { get; }").Replace("class N", "class M : N")),
        ("class split over two declarations", Builds, Net(Input(4), "[Dense(4)] public partial Layer D { get; }") + "partial class N { [Dense(3)] public partial Layer E { get; } }"),
        ("huge network of 600 layers", Builds, Net(Input(4), Enumerable.Range(0, 600).Select(i => $"[Dense(4)] public partial Layer D{i} {{ get; }}").ToArray())),
        ("automatic placement of 600 layers over 3 chips", Builds, Net("[Network(InputShape = new[] { 4 }, Placement = PlacementMode.Auto)][Chip(0, Gflops = 1)][Chip(1, Gflops = 2)][Chip(2, Gflops = 3)][Link(0, 1, GigabytesPerSecond = 1)][Link(1, 2, GigabytesPerSecond = 1)]",
            Enumerable.Range(0, 600).Select(i => $"[Dense(4)] public partial Layer D{i} {{ get; }}").ToArray())),
    }.Select(c => new object[] { c.Name, c.Expected, c.Source });

    [Theory]
    [MemberData(nameof(Cases))]
    public void EndsInItsDiagnosticOrBuilds(string name, string expected, string source)
    {
        var fuzz = new FuzzCase(0, name, new[] { "using Sdk;\n" + source }, System.Array.Empty<string>());
        var run = GeneratorHarness.Generate(fuzz.Sources);

        Assert.Empty(FuzzOracle.Check(fuzz, run));
        if (expected == Builds)
        {
            Assert.True(!run.Errors.Any(), string.Join("\n", run.Errors));
            Assert.Empty(FuzzRuntime.Check(fuzz, run).Problems);
        }
        else
        {
            Assert.True(run.Sdk.Any(d => d.Id == expected && d.Severity == DiagnosticSeverity.Error), $"expected {expected}; got:\n{string.Join("\n", run.Diagnostics)}");
        }
    }

    /// <summary>A class whose declaration the C# parser found cut short has nothing to generate into; C# reports it.</summary>
    [Fact]
    public void ClassWithoutANameGeneratesNothing()
    {
        var run = GeneratorHarness.Generate("using Sdk;\n[Network(InputShape = new[] { 4 })]\npublic partial class\n{\n    [Dense(4)] public partial Layer D { get; }\n}\n");

        Assert.Empty(run.Result.GeneratedSources);
        Assert.Empty(FuzzOracle.Check(new FuzzCase(0, "no name", new[] { "" }, System.Array.Empty<string>()), run));
    }

    private static string Input(params object[] shape) => $"[Network(InputShape = new[] {{ {string.Join(", ", shape)} }})]";

    private static string Net(string attributes, params string[] members) =>
        attributes + "\npublic partial class N\n{\n" + string.Join("\n", members.Select(m => "    " + m)) + "\n}\n";
}
