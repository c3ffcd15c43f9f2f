using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Sdk.Benchmarks.Wire
{
    /// <summary>GB/s = bytes / mean time; the benchmark class supplies the bytes of a case through a public static <c>double Bytes(BenchmarkCase)</c>.</summary>
    public sealed class GigabytesPerSecondColumn : IColumn
    {
        public string Id => nameof(GigabytesPerSecondColumn);

        public string ColumnName => "GB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Bytes of float32 handled per second (10^9), from the mean time";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
            var bytes = benchmarkCase.Descriptor.Type.GetMethod("Bytes", BindingFlags.Public | BindingFlags.Static, new[] { typeof(BenchmarkCase) });
            return meanNs is null || bytes is null
                ? "-"
                : ((double)bytes.Invoke(null, new object[] { benchmarkCase })! / meanNs.Value).ToString("0.00", CultureInfo.InvariantCulture);
        }
    }
}
