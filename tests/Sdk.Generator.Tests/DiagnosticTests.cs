using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Sdk.Generator.Diagnostics;
using Sdk.Generator.Tests.Infrastructure;

namespace Sdk.Generator.Tests;

/// <summary>
/// One case per diagnostic ID. The span between <c>[|</c> and <c>|]</c> in each source is where the diagnostic
/// must point: the offending attribute (or the identifier, for type and property rules).
/// </summary>
public class DiagnosticTests
{
    private const string Usings = "using Sdk;\n";

    public static IEnumerable<object[]> Cases() => new Dictionary<string, string>
    {
        ["SDK0001"] = "[Network(InputShape = new[] { 4 })] public class [|Plain|] { }",
        ["SDK0002"] = Net("[[|Network(InputShape = new[] { 3, 0, 8 })|]]", "[Dense(4)] public partial Layer D { get; }"),
        ["SDK0003"] = Net(Input(4), "[Dense(4)] public Layer [|D|] { get; }"),
        ["SDK0004"] = Net(Input(4), "[Dense(4), [|Dense(5)|]] public partial Layer D { get; }"),
        ["SDK0005"] = Net(Input(4), "[[|Dense(\"four\")|]] public partial Layer D { get; }"),
        ["SDK0006"] = Net(Input(3, 8, 8), "[[|Conv2D(0)|]] public partial Layer C { get; }"),
        ["SDK0007"] = Net(Input(4), "[Dense(4)] public partial Layer A { get; }", "[[|Add(\"Nope\")|]] public partial Layer S { get; }"),
        ["SDK0008"] = Net(Input(4), "[[|Dense(4, Input = nameof(Later))|]] public partial Layer First { get; }", "[Dense(4)] public partial Layer Later { get; }"),
        ["SDK0009"] = Net(Input(4), "[Dense(16)] public partial Layer D { get; }", "[[|Conv2D(4)|]] public partial Layer C { get; }"),
        ["SDK0010"] = Net(Input(4), "[Dense(8)] public partial Layer A { get; }", "[Dense(6)] public partial Layer B { get; }", "[[|Add(nameof(A))|]] public partial Layer S { get; }"),
        ["SDK0011"] = Net(Input(3, 8, 8), "[Conv2D(4, Padding = 1)] public partial Layer A { get; }", "[MaxPool(2)] public partial Layer B { get; }", "[[|Concat(nameof(A))|]] public partial Layer J { get; }"),
        ["SDK0012"] = Net(Input(6, 8, 8), "[[|Conv2D(8, Groups = 4)|]] public partial Layer C { get; }"),
        ["SDK0013"] = Net(Input(3, 8, 8), "[[|Conv2D(4, Kernel = 11)|]] public partial Layer C { get; }"),
        ["SDK0014"] = Net(Input(4) + "[Chip(0)][[|Chip(0)|]]", "[Dense(4)] public partial Layer D { get; }"),
        ["SDK0015"] = Net(Input(4) + "[Chip(0)][Chip(1)]", "[Dense(4)] public partial Layer A { get; }", "[[|OnChip(3)|], Dense(4)] public partial Layer B { get; }"),
        ["SDK0016"] = Net(Input(4) + "[[|Link(0, 0, GigabytesPerSecond = 1)|]]", "[Dense(4)] public partial Layer D { get; }"),
        ["SDK0017"] = Net(Input(4), "[Dense(4)] public partial Layer A { get; }", "[[|Bottleneck(Ratio = 2)|], Dense(4)] public partial Layer B { get; }"),
        ["SDK0018"] = Net(Input(4), "[Dense(4)] public partial Layer A { get; }", "[[|Transfer(Format = WireFormat.Int8)|], Dense(4)] public partial Layer B { get; }"),
        ["SDK0019"] = Net(Input(8),
            "[Dense(8)] public partial Layer A { get; }",
            "[OnChip(1), Bottleneck(Ratio = 2), Dense(8)] public partial Layer B { get; }",
            "[[|Bottleneck(Ratio = 4)|], Dense(8, Input = nameof(A))] public partial Layer C { get; }"),
        ["SDK0020"] = Net(Input(100) + "[[|Chip(0, MemoryKiB = 1)|]]", "[Dense(1000)] public partial Layer D { get; }"),
        ["SDK0021"] = Net(Input(16, 64, 64) + "[[|Chip(0, MemoryKiB = 64)|]]", "[Conv2D(4, Kernel = 1)] public partial Layer C { get; }"),
        ["SDK0022"] = Net(Input(64) + "[Link(0, 1, GigabytesPerSecond = 1, BudgetBytesPerSample = 100)]",
            "[Dense(64)] public partial Layer A { get; }",
            "[OnChip(1)][[|Dense(4)|]] public partial Layer B { get; }"),
        ["SDK0023"] = Net(Input(64) + "[Chip(0, Gflops = 1000)][Chip(1, Gflops = 1000)][Link(0, 1, GigabytesPerSecond = 0.001)]",
            "[Dense(64)] public partial Layer A { get; }",
            "[OnChip(1)][[|Dense(4)|]] public partial Layer B { get; }"),
        ["SDK0024"] = Net(Input(64),
            "[Dense(64)] public partial Layer A { get; }",
            "[OnChip(1)][[|Dense(4)|]] public partial Layer B { get; }"),
        ["SDK0025"] = Net("[[|Network(InputShape = new[] { 4 })|]]", "[Dense(4)] public partial Layer D { get; }"),
        ["SDK0026"] = Net(Input(64) + "[Link(0, 1, GigabytesPerSecond = 1)]",
            "[Dense(64)] public partial Layer A { get; }",
            "[OnChip(2)][[|Dense(4)|]] public partial Layer B { get; }"),
        ["SDK0027"] = Net("[[|Network(InputShape = new[] { 4 })|]]"),
        ["SDK0028"] = Net(Input(4), "[Dense(4)] public partial Layer A { get; }", "[[|Add|]] public partial Layer S { get; }"),
        ["SDK0029"] = Net(Input(4) + "[[|Chip(1)|]]", "[OnChip(1), Dense(4)] public partial Layer D { get; }"),
        ["SDK0030"] = Net(Input(4), "[Dense(4)] public partial Layer D { get; }", "[[|OnChip(1)|]] public partial Layer E { get; }"),
        ["SDK0031"] = Net("[[|Network(InputShape = new[] { 64 }, Placement = PlacementMode.Auto)|]]" + TwoChips,
            "[Dense(256)] public partial Layer A { get; }", "[Dense(256)] public partial Layer B { get; }"),
        ["SDK0032"] = Net("[[|Network(InputShape = new[] { 64 })|]][Chip(0, Gflops = 1000)][Chip(1, Gflops = 1000)][Link(0, 1, GigabytesPerSecond = 0.1)]",
            "[Dense(64)] public partial Layer A { get; }", "[OnChip(1), Dense(64)] public partial Layer B { get; }"),
        ["SDK0033"] = Net("[[|Network(InputShape = new[] { 8 }, Placement = PlacementMode.Auto)|]]" + EightChips, WideLayers),
        ["SDK0034"] = Net("[[|Network(InputShape = new[] { 64 }, Placement = PlacementMode.Auto)|]]", "[Dense(64)] public partial Layer A { get; }"),
        ["SDK0035"] = Net(Input(3, 64, 64), "[[|Conv2D(1000000)|]] public partial Layer C { get; }"),
        ["SDK0036"] = Net(Input(100000), "[[|Dense(100000)|]] public partial Layer D { get; }"),
        ["SDK0037"] = Net(Input(4), "[Dense(4)] public partial Layer [|Plan|] { get; }"),
        ["SDK0038"] = Input(4) + "\npublic static partial class [|S|]\n{\n}\n",
        ["SDK0041"] = "namespace Sdk.[|Layer|] { }\n" + Net(Input(4), "[Dense(4)] public partial Layer D { get; }"),
        ["SDK0039"] = "public sealed class MyLayerAttribute : LayerAttribute { }\n" + Net(Input(4), "[[|MyLayer|]] public partial Layer X { get; }"),
        ["SDK0042"] = Net(Input(3, 8, 8) + "[Lcp(Branches = 3)]", "[[|Conv2D(8)|]] public partial Layer C { get; }", "[Dense(4)] public partial Layer D { get; }"),
        ["SDK0043"] = Net(Input(1, 8, 8),
            "[Branch(0), Conv2D(4, Padding = 1)] public partial Layer A1 { get; }",
            "[Branch(1), Conv2D(4, Padding = 1, Input = Network.Input)] public partial Layer B1 { get; }",
            "[[|Conv2D(4, Padding = 1, Input = nameof(A1))|]] public partial Layer B2 { get; }",
            "[OnChip(0), Concat(nameof(A1), nameof(B2))] public partial Layer M { get; }"),
        ["SDK0044"] = Net(Input(4),
            "[Branch(0), Dense(4)] public partial Layer A { get; }",
            "[Branch(1), Dense(4, Input = Network.Input)] public partial Layer B { get; }",
            "[[|Concat(nameof(A), nameof(B))|]] public partial Layer M { get; }"),
        ["SDK0045"] = Net(Input(4),
            "[Branch(0), Dense(4)] public partial Layer A { get; }",
            "[[|Branch(0)|], Dense(4, Input = Network.Input)] public partial Layer B { get; }",
            "[OnChip(0), Concat(nameof(A), nameof(B))] public partial Layer M { get; }"),
        ["SDK0046"] = Net(Input(3, 32, 32) + "[Chip(0, MemoryKiB = 16)]", "[[|Conv2D(64, Padding = 1)|]] public partial Layer C { get; }"),
        ["SDK0047"] = Net(Input(512, 8, 8) + "[Chip(0, MemoryKiB = 65536)]", "[[|Conv2D(512, Kernel = 5, Padding = 2)|]] public partial Layer C { get; }"),
    }.Select(c => new object[] { c.Key, c.Value });

    /// <summary>Rules no correct network can trigger: SDK0040 reports a bug of the compiler itself.</summary>
    internal static readonly string[] Untriggerable = { "SDK0040" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DiagnosticHasItsIdSeverityAndLocation(string id, string markedSource)
    {
        var (source, expected) = Unmark(Usings + markedSource);
        var run = GeneratorHarness.Generate(source);

        Assert.Null(run.Result.Exception);
        var matches = run.Sdk.Where(d => d.Id == id).ToList();
        Assert.True(matches.Count > 0, $"expected {id}; got:\n{string.Join("\n", run.Diagnostics)}");
        var diagnostic = Assert.Single(matches, d => d.Location.SourceSpan == expected);
        Assert.Equal(DiagnosticDescriptors.Find(id)!.DefaultSeverity, diagnostic.Severity);
        Assert.Equal($"{DiagnosticRule.DocsBaseUrl}docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri);
    }

    [Fact]
    public void EveryDescriptorHasACaseAndADocsPage()
    {
        var ids = Cases().Select(c => (string)c[0]).Concat(Untriggerable).ToHashSet();
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            Assert.Contains(descriptor.Id, ids);
            Assert.StartsWith(DiagnosticRule.DocsBaseUrl, descriptor.HelpLinkUri, System.StringComparison.Ordinal);
            var page = descriptor.HelpLinkUri.Substring(DiagnosticRule.DocsBaseUrl.Length);
            Assert.True(System.IO.File.Exists(System.IO.Path.Combine(RepoRoot.Path, page)), $"missing {page} (the page of {descriptor.HelpLinkUri})");
        }
    }

    [Fact]
    public void HelpLinksPointIntoThePackagesRepository()
    {
        var props = System.Xml.Linq.XDocument.Load(System.IO.Path.Combine(RepoRoot.Path, "Directory.Build.props"));
        var repository = props.Descendants("RepositoryUrl").Single().Value;
        Assert.Equal(DiagnosticRule.DocsBaseUrl, repository + "/blob/main/");
    }

    [Fact]
    public void MessagesNameTheLayerAndTheShapes()
    {
        var (source, _) = Unmark(Usings + Net(Input(4), "[Dense(16)] public partial Layer D { get; }", "[Conv2D(4)] public partial Layer C { get; }"));
        var message = GeneratorHarness.Generate(source).Sdk.Single(d => d.Id == "SDK0009").GetMessage(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal("Layer 'C' (Conv2D) needs a [C, H, W] input, but its input 'D' has shape [16]", message);
    }

    private const string TwoChips = "[Chip(0, Gflops = 10)][Chip(1, Gflops = 10)][Link(0, 1, GigabytesPerSecond = 10)]";

    /// <summary>Eight chips, each linked to every other.</summary>
    private static readonly string EightChips =
        string.Concat(Enumerable.Range(0, 8).Select(c => $"[Chip({c}, Gflops = 10)]")) +
        string.Concat(Enumerable.Range(0, 8).SelectMany(a => Enumerable.Range(a + 1, 7 - a).Select(b => $"[Link({a}, {b}, GigabytesPerSecond = 10)]")));

    /// <summary>
    /// 40 parallel branches joined at the end: every branch is read by the last layer, so while the search walks the
    /// branches it must remember the chip of each one it passed. Over eight chips that is millions of states, past
    /// the build's placement budget.
    /// </summary>
    private static readonly string[] WideLayers =
        new[] { "[Dense(8)] public partial Layer Stem { get; }" }
            .Concat(Enumerable.Range(0, 40).Select(i => $"[Dense({8 + (i % 3)}, Input = nameof(Stem))] public partial Layer B{i} {{ get; }}"))
            .Append($"[Concat({string.Join(", ", Enumerable.Range(0, 40).Select(i => $"nameof(B{i})"))})] public partial Layer Joined {{ get; }}")
            .ToArray();

    private static string Input(params int[] shape) => $"[Network(InputShape = new[] {{ {string.Join(", ", shape)} }})]";

    private static string Net(string attributes, params string[] members) =>
        attributes + "\npublic partial class N\n{\n" + string.Join("\n", members.Select(m => "    " + m)) + "\n}\n";

    private static (string Source, TextSpan Span) Unmark(string marked)
    {
        var start = marked.IndexOf("[|", System.StringComparison.Ordinal);
        var end = marked.IndexOf("|]", System.StringComparison.Ordinal);
        if (start < 0)
        {
            return (marked, default);
        }

        var source = marked.Remove(end, 2).Remove(start, 2);
        return (source, TextSpan.FromBounds(start, end - 2));
    }
}
