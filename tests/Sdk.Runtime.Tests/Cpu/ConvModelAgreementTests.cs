using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Tests.Cpu
{
    /// <summary>
    /// The compiler core's model of this backend (<see cref="CpuConvModel"/>, which the build's traffic report counts)
    /// against the kernels themselves: the blocking constants of every micro-kernel, the plan the runtime makes, and the
    /// inputs the kernels actually read, replayed through their own copy and packing code with every input value its
    /// own address, for every shape of <see cref="ConvTests.Cases"/>, ResNet-18's and the Fashion CNN's, on every kernel.
    /// </summary>
    public unsafe class ConvModelAgreementTests
    {
        public static IEnumerable<object[]> Shapes()
        {
            var shapes = ConvTests.Cases.Select(c => (c.Key, c.Value.Desc)).ToList();
            foreach (var (c, h, m, k, stride) in new[] { (3, 32, 64, 3, 1), (64, 32, 64, 3, 1), (64, 32, 128, 3, 2), (64, 32, 128, 1, 2), (128, 16, 128, 3, 1), (256, 8, 256, 3, 1), (256, 8, 512, 3, 2), (512, 4, 512, 3, 1), (32, 14, 64, 3, 1) })
            {
                shapes.Add(($"{c}→{m} {k}x{k} /{stride} on {h}x{h}", Conv2DDescriptor.Square(c, h, h, m, k, stride, padding: k / 2)));
            }

            foreach (var (name, desc) in shapes)
            {
                foreach (var kernel in new[] { GemmKernel.Vector512x8x32, GemmKernel.Vector256x6x16, GemmKernel.Vector128x8x8 })
                {
                    yield return new object[] { name, desc, kernel };
                }
            }
        }

        [Fact]
        public void EveryMicroKernelsBlockingIsTheModels()
        {
            // The GEMM tiles, and the indirect kernels beside them: the positions tile (AVX2's 6 x 16 and AVX-512's 8 x 32,
            // PositionConv and PositionConv.Kernel512), and indirect rows on AVX2 only.
            Check<Kernel512x8x32>(GemmKernel.Vector512x8x32, (PositionConv.Kernel512.MR, PositionConv.Kernel512.NR), rows: false);
            Check<Kernel256x6x16>(GemmKernel.Vector256x6x16, (PositionConv.MR, PositionConv.NR), rows: true);
            Check<Kernel128x8x8>(GemmKernel.Vector128x8x8, (0, 0), rows: false);
            Assert.Equal((8, 32), (PositionConv.Kernel512.MR, PositionConv.Kernel512.NR));
            Assert.Equal((6, 16), (PositionConv.MR, PositionConv.NR));
            Assert.Equal(CpuConvModel.RowTileColumns, RowConv.NR);

            // A task's positions are whole tiles of either kernel and whole 8x8 transposes.
            Assert.Equal(0, CpuConvModel.PositionsPerTask % PositionConv.MR);
            Assert.Equal(0, CpuConvModel.PositionsPerTask % PositionConv.Kernel512.MR);
            Assert.Equal(0, CpuConvModel.PositionsPerTask % 8);

            static void Check<TK>(GemmKernel kernel, (int MR, int NR) positions, bool rows)
                where TK : struct, IMicroKernel
            {
                var target = GemmEngine.Target(kernel);
                Assert.Equal(kernel.ToString(), target.Name);
                Assert.Equal((TK.MR, TK.NR, TK.KC, TK.MC, TK.NC), (target.MR, target.NR, target.KC, target.MC, target.NC));
                Assert.Equal((positions.MR, positions.NR, rows), (target.PositionsMR, target.PositionsNR, target.IndirectRows));
                Assert.Equal(positions.NR > 0, target.IndirectPositions);
                if (positions.NR > 0)
                {
                    Assert.Equal(positions.NR, PositionConv.Channels(kernel));
                    Assert.Equal(positions.MR, PositionConv.Positions(kernel));
                }
            }
        }

        /// <summary>The plan is the model's choice at every batch and thread count (ConvPlan asks the model; this keeps it asking).</summary>
        [Theory]
        [MemberData(nameof(Shapes))]
        public void ThePlanIsTheModelsChoice(string name, Conv2DDescriptor desc, GemmKernel kernel)
        {
            var plan = new ConvPlan(desc, kernel);
            var winogradFrom = WinogradConv.Supports(ConvGeometry.From(desc), kernel) ? CpuConvModel.WinogradFromBatch(desc.Shape, GemmEngine.Target(kernel)) : 0;
            Assert.Equal(winogradFrom, plan.WinogradFromBatch);
            foreach (var (batch, threads) in new[] { (1, 1), (1, 8), (3, 2), (32, 1), (32, 16) })
            {
                var model = plan.Dataflow(batch, threads);
                if (winogradFrom > 0 && batch >= winogradFrom)
                {
                    Assert.Equal(CpuConvAlgorithm.Winograd, model.Algorithm);
                    continue;
                }

                Assert.True((int)plan.Algorithm == (int)model.Algorithm && plan.Algorithm.ToString() == model.Algorithm.ToString(), name);
                Assert.Equal(plan.SamplesPerGemm, model.SamplesPerGemm);
                Assert.Equal(batch < plan.TransposedBelowBatch, model.Transposed);
            }
        }

        /// <summary>
        /// Inputs: the model's count is what the kernels read. Indirect positions and rows, and depthwise, copy input rows
        /// with <c>ConvGeometry.PadGroupRows</c> / <c>PadRows</c>; the GEMMs generate their B panels with
        /// <c>Im2Col.FillRow</c> (implicit im2col) or read the input in place (pointwise). Each input holds its address + 1
        /// (0 is padding), so the distinct values a block's copy or panels hold are the inputs it loaded.
        /// </summary>
        [Theory]
        [MemberData(nameof(Shapes))]
        public void TheKernelsReadTheInputsTheModelCounts(string name, Conv2DDescriptor desc, GemmKernel kernel)
        {
            const int Batch = 3;
            var shape = desc.Shape;
            var model = new ConvPlan(desc, kernel).Dataflow(Batch);
            var g = ConvGeometry.From(desc);
            var x = new float[Batch * desc.InputSampleLength];
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = i + 1;
            }

            long read = 0;
            fixed (float* px = x)
            {
                for (var grp = 0; grp < g.G; grp++)
                {
                    read += model.Algorithm switch
                    {
                        CpuConvAlgorithm.Depthwise => Planes(g, px, Batch, grp),
                        CpuConvAlgorithm.IndirectPositions or CpuConvAlgorithm.IndirectRows => Rows(g, px, Batch, grp, model.Tiling.RunPositions),
                        CpuConvAlgorithm.Winograd => WinogradRows(g, px, Batch, CpuConvModel.WinogradTasks(shape, GemmEngine.Target(kernel), Batch, 1)),
                        _ when model.Transposed => TransposedColumns(g, px, Batch, grp),
                        _ => Panels(g, px, Batch, grp, model),
                    };
                }
            }

            Assert.True(read == model.Tiling.Traffic(shape, Batch).InputLoads, $"{name} on {kernel} ({model.Algorithm}): the kernels read {read} inputs, the model counts {model.Tiling.Traffic(shape, Batch).InputLoads}");
        }

        /// <summary>
        /// Winograd: each task's rows of every channel, padded by the kernel's own routine, for the core's split (whole
        /// samples or bands of tile rows; each share of the output channels pads them again).
        /// </summary>
        private static long WinogradRows(ConvGeometry g, float* x, int batch, WinogradTasks tasks)
        {
            int th = (g.OH + 1) / 2, pw = WinogradConv.PlaneWidth(g);
            long read = 0;
            for (var n0 = 0; n0 < batch; n0 += tasks.Samples)
            {
                for (var band = 0; band < tasks.Bands; band++)
                {
                    int ty0 = tasks.Bands == 1 ? 0 : band * tasks.TileRows, ty1 = tasks.Bands == 1 ? th : Math.Min(th, ty0 + tasks.TileRows);
                    int rows = (2 * (ty1 - ty0)) + 2;
                    var plane = new float[rows * pw];
                    for (var n = n0; n < Math.Min(batch, n0 + tasks.Samples); n++)
                    {
                        for (var c = 0; c < g.C; c++)
                        {
                            fixed (float* p = plane)
                            {
                                WinogradConv.PadPlane(g, x + ((((long)n * g.C) + c) * g.HW), p, pw, 2 * ty0, rows);
                            }

                            read += Distinct(plane) * tasks.ChannelSplits;
                        }
                    }
                }
            }

            return read;
        }

        /// <summary>Depthwise: each (sample, channel) plane copied whole, once (its multiplier's outputs share it).</summary>
        private static long Planes(ConvGeometry g, float* x, int batch, int grp)
        {
            var pad = new float[g.PaddedHeight * g.PaddedWidth];
            long read = 0;
            for (var n = 0; n < batch; n++)
            {
                Array.Clear(pad);
                fixed (float* p = pad)
                {
                    g.PadRows(x + ((((long)n * g.C) + grp) * g.HW), p, 0, g.PaddedHeight);
                }

                read += Distinct(pad);
            }

            return read;
        }

        /// <summary>Indirect kernels: each task's input rows, copied by the kernel's own routine, for runs of the model's length.</summary>
        private static long Rows(ConvGeometry g, float* x, int batch, int grp, int run)
        {
            var dst = new float[g.CG * g.PaddedHeight * g.PaddedWidth];
            long read = 0;
            for (var n = 0; n < batch; n++)
            {
                for (var q0 = 0; q0 < g.OHW; q0 += run)
                {
                    var q1 = Math.Min(g.OHW, q0 + run);
                    Array.Clear(dst);
                    fixed (float* d = dst)
                    {
                        g.PadGroupRows(x, n, grp, d, q0 / g.OW, ((q1 - 1) / g.OW) + 1);
                    }

                    read += Distinct(dst);
                }
            }

            return read;
        }

        /// <summary>Transposed GEMMs: per sample, the whole column matrix written out once.</summary>
        private static long TransposedColumns(ConvGeometry g, float* x, int batch, int grp)
        {
            long read = 0;
            for (var n = 0; n < batch; n++)
            {
                var values = new List<float>();
                for (var k = 0; k < g.KG; k++)
                {
                    values.AddRange(ColumnRow(g, x, n, grp, k, 0, g.OHW));
                }

                read += Distinct(values);
            }

            return read;
        }

        /// <summary>GEMMs: per chunk of samples, per NC-column block and KC-row panel, the B rows the packer generates.</summary>
        private static long Panels(ConvGeometry g, float* x, int batch, int grp, CpuConvChoice model)
        {
            var target = model.Target;
            long read = 0;
            for (var n0 = 0; n0 < batch; n0 += model.SamplesPerGemm)
            {
                var columns = Math.Min(model.SamplesPerGemm, batch - n0) * g.OHW;
                for (var jc = 0; jc < columns; jc += target.NC)
                {
                    var nc = Math.Min(target.NC, columns - jc);
                    for (var pc = 0; pc < g.KG; pc += target.KC)
                    {
                        read += Distinct(Enumerable.Range(pc, Math.Min(target.KC, g.KG - pc)).SelectMany(k => ColumnRow(g, x, n0, grp, k, jc, nc)));
                    }
                }
            }

            return read;
        }

        /// <summary>Row k, columns [j0, j0 + count) of the implicit column matrix of the chunk starting at sample n0, as the GEMM's packer makes it.</summary>
        private static float[] ColumnRow(ConvGeometry g, float* x, int n0, int grp, int k, int j0, int count)
        {
            var context = new ImplicitColumns { G = g, X = x + ((((long)n0 * g.C) + ((long)grp * g.CG)) * g.HW), InSample = (nint)g.C * g.HW };
            var row = new float[count];
            fixed (float* r = row)
            {
                Im2Col.FillRow(&context, k, j0, count, r);
            }

            return row;
        }

        private static long Distinct(IEnumerable<float> values) => values.Where(v => v != 0).Distinct().LongCount();
    }
}
