using Sdk.Compiler;
using Sdk.Generator.Model;

namespace Sdk.Generator.Emit;

/// <summary>
/// Emits <c>X.Traffic.g.cs</c>: the traffic report the build computed, as Markdown, to read beside the network
/// (<c>Plan.TrafficMarkdown</c> renders the same at run time; the build output carries it as SDK0024/SDK0025).
/// </summary>
internal static class TrafficEmitter
{
    public static string Emit(TypeSpec type, NetworkPlan plan)
    {
        var w = new SourceWriter();
        w.InType(type, null, () =>
        {
            w.Line("/// <summary>The traffic report of the build: bytes per sample on every cut, per chip pair, per chip, per layer.</summary>");
            w.Line($"private const string __SdkTrafficReport = {Verbatim(plan.TrafficMarkdown)};");
        });
        return w.ToString();
    }

    /// <summary>A verbatim string literal: line breaks stay line breaks, so the report reads as it prints.</summary>
    private static string Verbatim(string value) => "@\"" + value.Replace("\"", "\"\"") + "\"";
}
