using Sdk.Generator.Model;

namespace Sdk.Generator.Emit;

/// <summary>Emits <c>X.Traffic.g.cs</c>: every cut as data, and the report rendered as Markdown and JSON.</summary>
internal static class TrafficEmitter
{
    private const string Runtime = "global::Sdk.Runtime";

    public static string Emit(TypeSpec type, PlanModel plan)
    {
        var w = new SourceWriter();
        w.InType(type, null, () =>
        {
            // A method, not a field: static field initialisers in different partial files run in no fixed order.
            w.Line($"private static {Runtime}.CutInfo[] __SdkCuts() => new {Runtime}.CutInfo[]");
            w.Open();
            foreach (var cut in plan.Cuts)
            {
                w.Line($"new() {{ Index = {cut.Index}, SourceLayer = {cut.SourceLayer}, From = {Literals.Quoted(cut.From)}, To = {Literals.Strings(cut.To)}, " +
                    $"FromChip = {cut.FromChip}, ToChip = {cut.ToChip}, Shape = {Literals.Ints(cut.Shape)}, Format = {Literals.WireFormat(cut.Format)}, " +
                    $"BottleneckRatio = {cut.BottleneckRatio}, ForwardBytesPerSample = {Literals.Long(cut.ForwardBytesPerSample)}, " +
                    $"BackwardBytesPerSample = {Literals.Long(cut.BackwardBytesPerSample)}, " +
                    $"ModelledSecondsPerSample = {(cut.SecondsPerSample is { } s ? Literals.Double(s) : "null")} }},");
            }

            w.Close(";");
            w.Line();
            w.Line("/// <summary>The compile-time traffic report, Markdown.</summary>");
            w.Line($"private const string __SdkTrafficMarkdown = {Literals.String(TrafficReport.Markdown(plan))};");
            w.Line();
            w.Line("/// <summary>The compile-time traffic report, JSON.</summary>");
            w.Line($"private const string __SdkTrafficJson = {Literals.String(TrafficReport.Json(plan))};");
        });
        return w.ToString();
    }
}
