using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Sdk.Benchmarks.Kernels;

namespace Sdk.Benchmarks.Inference;

/// <summary>Images per second = the case's <c>Batch</c> parameter / mean time of one call.</summary>
public sealed class ImagesPerSecondColumn : IColumn
{
    public string Id => nameof(ImagesPerSecondColumn);

    public string ColumnName => "images/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => -1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Images per second: batch / mean time of one call";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return meanNs is null ? "-" : ((int)benchmarkCase.Parameters["Batch"] * 1e9 / meanNs.Value).ToString("F1", CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;
}

/// <summary>Images per second, GFLOP/s and the percentage of the machine's peak.</summary>
public sealed class InferenceBenchmarkConfig : ManualConfig
{
    public InferenceBenchmarkConfig()
    {
        AddColumn(new ImagesPerSecondColumn(), new GflopsColumn(), new GflopsColumn(ofPeak: true));
    }
}
