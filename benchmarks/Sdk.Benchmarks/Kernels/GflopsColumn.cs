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
    /// GFLOP/s = flops / mean time, or flops / fastest iteration (<c>best</c>: on a machine shared with other jobs the
    /// mean of a short run mostly measures the neighbours). The benchmark class supplies the flop count of a case
    /// through a public static method <c>double Flops(BenchmarkCase)</c> (read by reflection, so it also works in the
    /// host process).
    /// </summary>
    public sealed class GflopsColumn : IColumn
    {
        private readonly bool _best;
        private readonly bool _ofPeak;

        /// <param name="best">From the fastest iteration instead of the mean.</param>
        /// <param name="ofPeak">As a percentage of <see cref="MachinePeak"/>.</param>
        public GflopsColumn(bool best = false, bool ofPeak = false)
        {
            _best = best;
            _ofPeak = ofPeak;
        }

        public string Id => nameof(GflopsColumn) + (_best ? ".Best" : ".Mean") + (_ofPeak ? ".Peak" : string.Empty);

        public string ColumnName => (_best ? "GFLOP/s best" : "GFLOP/s") + (_ofPeak ? " % peak" : string.Empty);

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Useful floating-point operations (2 per multiply-add) per second, from the " + (_best ? "fastest iteration" : "mean time") +
            (_ofPeak ? ", as a percentage of the " + MachinePeak.Describe() : string.Empty);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            BenchmarkReport? report = summary[benchmarkCase];
            double? meanNs = _best ? report?.ResultStatistics?.Min : report?.ResultStatistics?.Mean;
            MethodInfo? flops = benchmarkCase.Descriptor.Type.GetMethod("Flops", BindingFlags.Public | BindingFlags.Static | BindingFlags.FlattenHierarchy, new[] { typeof(BenchmarkCase) });
            if (meanNs is null || flops is null)
            {
                return "-";
            }

            double gflops = (double)flops.Invoke(null, new object[] { benchmarkCase })! / meanNs.Value;
            return (_ofPeak ? 100 * gflops / MachinePeak.Gflops : gflops).ToString("F1", CultureInfo.InvariantCulture);
        }

        public override string ToString() => ColumnName;
    }

    /// <summary>Adds the GFLOP/s column to the default configuration.</summary>
    public sealed class KernelBenchmarkConfig : ManualConfig
    {
        public KernelBenchmarkConfig()
        {
            AddColumn(new GflopsColumn(), new GflopsColumn(best: true), new GflopsColumn(ofPeak: true));
        }
    }
}
