using System;
using System.Globalization;
using System.IO;
using FashionMnistSample;
using Spectre.Console;

namespace CompressionStudy;

/// <summary>A live Spectre.Console display: one bar over the configurations, one over the current one's batches.</summary>
public sealed class ConsoleProgress(ProgressContext context) : IStudyProgress
{
    private readonly ProgressTask _all = context.AddTask("configurations");
    private ProgressTask? _current;

    public void Starting(int configurations, int alreadyDone)
    {
        _all.MaxValue = configurations;
        _all.Description = $"configurations ({alreadyDone} already done)";
    }

    public void Started(StudyConfiguration configuration, int batches)
    {
        _current?.StopTask();
        _current = context.AddTask(Markup.Escape(configuration.ToString()), maxValue: System.Math.Max(1, batches));
    }

    public void Batch(BatchProgress progress)
    {
        if (_current is { } task)
        {
            task.Increment(1);
        }
    }

    public void Finished(StudyResult result, bool skipped)
    {
        _all.Increment(1);
        if (!skipped && _current is { } task)
        {
            task.Value = task.MaxValue;
            task.Description = Markup.Escape(LineProgress.Describe(result));
            task.StopTask();
        }
    }
}

/// <summary>Plain lines, one per configuration, for redirected output (CI, logs, nohup).</summary>
public sealed class LineProgress(TextWriter output) : IStudyProgress
{
    private int _total;
    private int _done;

    public void Starting(int configurations, int alreadyDone)
    {
        _total = configurations;
        output.WriteLine($"{configurations} configurations, {alreadyDone} already done.");
    }

    public void Finished(StudyResult result, bool skipped)
    {
        _done++;
        if (!skipped)
        {
            output.WriteLine($"[{_done}/{_total}] {Describe(result)}");
        }
    }

    public static string Describe(StudyResult r)
    {
        var detail = r.SameAs is int s ? $" (same plan as r = {s})"
            : r.EpochSeconds is double e ? string.Create(CultureInfo.InvariantCulture, $", {e:0.0} s/epoch")
            : string.Empty;
        var bytes = r.MeasuredForwardBytesPerSample is double m ? string.Create(CultureInfo.InvariantCulture, $"{m:0.#} B/sample measured") : $"{r.ForwardBytesPerSample} B/sample";
        var exchange = r.ExchangeBytesPerStep is double x ? string.Create(CultureInfo.InvariantCulture, $", exchange {x:0} B/step") : string.Empty;
        var wire = r.Wire is null ? string.Empty : " " + StudyWire.Parse(r.Wire).Description;
        var note = r.SameAsKey is { } k ? $" (the run of {k})" : detail;
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.Network}, {r.Cut} cut, {StudyConfiguration.MethodName(r.Method)}{wire}, r = {r.Ratio}, seed {r.Seed}: {100 * r.TestAccuracy:0.00} %, ") +
            bytes + exchange + note;
    }
}
