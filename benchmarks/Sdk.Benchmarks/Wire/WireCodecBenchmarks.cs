using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Sdk.Compiler;
using Sdk.Runtime.Wire;

namespace Sdk.Benchmarks.Wire
{
    /// <summary>
    /// Packing and unpacking one cut tensor (64 samples of 8 x 14 x 14 floats, the FashionCnn cut at batch 64: 1.6 MB of
    /// float32) with the host codecs, against a plain copy of the same floats. GB/s counts the float32 side: what a
    /// chip hands to the codec, or gets back.
    /// </summary>
    [Config(typeof(Config))]
    public class WireCodecBenchmarks
    {
        private const int Samples = 64;
        private const int ValuesPerSample = 8 * 14 * 14;

        private float[] _values = Array.Empty<float>();
        private float[] _back = Array.Empty<float>();
        private byte[] _wire = Array.Empty<byte>();
        private WireCodec _codec = null!;

        /// <summary>Truncated widths (byte-aligned ones take the shuffle path), then Float16 and BFloat16 for comparison.</summary>
        [ParamsSource(nameof(Encodings))]
        public string Encoding { get; set; } = "Truncated(12)";

        public static IEnumerable<string> Encodings => new[] { "Truncated(8)", "Truncated(12)", "Truncated(16)", "Truncated(19)", "Truncated(24)", "Truncated(32)", "Float16", "BFloat16" };

        /// <summary>The float32 bytes of one call (for <see cref="GigabytesPerSecondColumn"/>).</summary>
        public static double Bytes(BenchmarkCase c) => 4.0 * Samples * ValuesPerSample;

        [GlobalSetup]
        public void Setup()
        {
            _codec = WireCodec.Of(Parse(Encoding));
            var random = new Random(1);
            _values = new float[Samples * ValuesPerSample];
            for (var i = 0; i < _values.Length; i++)
            {
                _values[i] = (random.NextSingle() * 2) - 1;
            }

            _back = new float[_values.Length];
            _wire = new byte[_codec.Bytes(Samples, ValuesPerSample)];
            _codec.Pack(_values, Samples, _wire);
        }

        [Benchmark(Baseline = true)]
        public void Copy() => _values.AsSpan().CopyTo(_back);

        [Benchmark]
        public int Pack() => _codec.Pack(_values, Samples, _wire);

        [Benchmark]
        public void Unpack() => _codec.Unpack(_wire, Samples, _back);

        private static WireEncoding Parse(string name) => name.StartsWith("Truncated(", StringComparison.Ordinal)
            ? WireEncoding.Truncated(int.Parse(name["Truncated(".Length..^1], System.Globalization.CultureInfo.InvariantCulture))
            : Enum.Parse<WireFormat>(name);

        private sealed class Config : ManualConfig
        {
            public Config() => AddColumn(new GigabytesPerSecondColumn());
        }
    }
}
