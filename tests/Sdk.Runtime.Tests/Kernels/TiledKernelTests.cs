using System;
using System.Collections.Generic;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Backends.Ilgpu;
using Sdk.Runtime.Tests.Cpu;

namespace Sdk.Runtime.Tests.Kernels
{
    /// <summary>
    /// The tiled GEMM kernels of the GPU path (<see cref="TiledOps"/>, through <see cref="IlgpuKernelBackend"/> on
    /// ILGPU's CPU accelerator) against naive double-precision references, on shapes that leave every block ragged:
    /// M, N and K not multiples of the block or of the K step, groups, strides, dilations, asymmetric padding.
    /// Small, because the CPU accelerator simulates every thread of a group.
    /// </summary>
    public sealed class TiledKernelTests(BackendPair backends) : IClassFixture<BackendPair>
    {
        private readonly IKernelBackend _ilgpu = backends.Ilgpu;

        // name, batch, Cin, H, W, Cout, K, stride, pad top/left, pad bottom/right, dilation, groups, activation
        // (object arrays: TheoryData takes at most nine type arguments)
        public static IEnumerable<object[]> Convolutions => new[]
        {
            new object[] { "3x3 pad 1, 17 channels, K = 45", 2, 5, 7, 9, 17, 3, 1, 1, 1, 1, 1, (int)Activation.Relu },
            new object[] { "stride 2, dilated, asymmetric pads", 3, 3, 11, 10, 6, 3, 2, 2, 0, 2, 1, (int)Activation.None },
            new object[] { "grouped, 1x1 on 33 positions", 1, 6, 3, 11, 9, 1, 1, 0, 0, 1, 3, (int)Activation.Sigmoid },
            new object[] { "more outputs than one block, 5x5", 1, 2, 9, 9, 70, 5, 1, 2, 2, 1, 1, (int)Activation.Relu6 },
        };

        [Theory]
        [MemberData(nameof(Convolutions))]
        public void Convolution_matches_the_naive_reference(string name, int batch, int cin, int h, int w, int cout, int k, int stride, int padBegin, int padEnd, int dilation, int groups, int activation)
        {
            var d = new Conv2DDescriptor
            {
                InChannels = cin, InHeight = h, InWidth = w, OutChannels = cout, KernelHeight = k, KernelWidth = k,
                StrideHeight = stride, StrideWidth = stride, PadTop = padBegin, PadLeft = padBegin, PadBottom = padEnd, PadRight = padEnd,
                DilationHeight = dilation, DilationWidth = dilation, Groups = groups, Activation = (Activation)activation,
            };
            float[] x = TestUtil.Random(batch * d.InputSampleLength, 1, -2f, 2f), wt = TestUtil.Random(d.WeightLength, 2), b = TestUtil.Random(cout, 3);
            var s = new ConvShape(cin, h, w, cout, k, k, stride, stride, padBegin, padBegin, dilation, dilation, groups, d.OutHeight, d.OutWidth, 1, activation);
            float[] actual = _ilgpu.Conv2D(x, batch, wt, b, s);
            var (expected, scale) = ConvTests.NaiveForward(d, batch, x, wt, b);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < actual.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * scale[i] + 1e-6, $"{name}: element {i}: {actual[i]} against {expected[i]}");
            }
        }

        [Theory]
        [InlineData(1, 3136, 130, (int)Activation.Relu)] // a batch of one: one column of blocks
        [InlineData(37, 45, 11, (int)Activation.None)]   // ragged in every direction
        public void Dense_matches_the_naive_reference(int batch, int inputs, int outputs, int activation)
        {
            float[] x = TestUtil.Random(batch * inputs, 4, -1f, 1f), w = TestUtil.Random(outputs * inputs, 5), b = TestUtil.Random(outputs, 6);
            float[] actual = _ilgpu.Dense(x, batch, w, b, new DenseShape(inputs, outputs, 1, activation));
            for (int n = 0; n < batch; n++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    double sum = b[o], magnitude = Math.Abs(b[o]);
                    for (int i = 0; i < inputs; i++)
                    {
                        sum += (double)x[(n * inputs) + i] * w[(o * inputs) + i];
                        magnitude += Math.Abs((double)x[(n * inputs) + i] * w[(o * inputs) + i]);
                    }

                    double expected = TestUtil.Act((Activation)activation, sum);
                    float got = actual[(n * outputs) + o];
                    Assert.True(Math.Abs(got - expected) <= 1e-5 * magnitude + 1e-6, $"sample {n}, output {o}: {got} against {expected}");
                }
            }
        }
    }
}
