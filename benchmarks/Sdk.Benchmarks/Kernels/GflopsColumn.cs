using System;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Sdk.Benchmarks.Kernels
{
    /// <summary>
    /// GFLOP/s = flops / mean time. The benchmark class supplies the flop count of a case through a public static
    /// method <c>double Flops(BenchmarkCase)</c> (read by reflection, so it also works in the host process).
    /// </summary>
    public sealed class GflopsColumn : IColumn
    {
        public string Id => nameof(GflopsColumn);

        public string ColumnName => "GFLOP/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Useful floating-point operations (2 per multiply-add) per second, from the mean time";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            BenchmarkReport? report = summary[benchmarkCase];
            double? meanNs = report?.ResultStatistics?.Mean;
            MethodInfo? flops = benchmarkCase.Descriptor.Type.GetMethod("Flops", BindingFlags.Public | BindingFlags.Static, new[] { typeof(BenchmarkCase) });
            if (meanNs is null || flops is null)
            {
                return "-";
            }

            double f = (double)flops.Invoke(null, new object[] { benchmarkCase })!;
            return (f / meanNs.Value).ToString("F1", CultureInfo.InvariantCulture);
        }

        public override string ToString() => ColumnName;
    }

    /// <summary>Adds the GFLOP/s column to the default configuration.</summary>
    public sealed class KernelBenchmarkConfig : ManualConfig
    {
        public KernelBenchmarkConfig()
        {
            AddColumn(new GflopsColumn());
        }
    }
}
