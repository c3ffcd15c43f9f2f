using System;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Ilgpu;

namespace Sdk.Runtime.Tests.Kernels
{
    public class KernelShapesTests
    {
        [Fact]
        public void Broadcast_right_aligns_and_gives_a_zero_stride_to_repeated_dimensions()
        {
            BroadcastShape s = BroadcastShape.Create([2, 1, 3], [4, 1]);
            Assert.Equal(3, s.Rank);
            Assert.Equal([2, 4, 3], s.OutputShape());
            Assert.Equal(24, s.Elements);
            Assert.Equal((1, 1, 1, 2, 4, 3), (s.D0, s.D1, s.D2, s.D3, s.D4, s.D5));
            Assert.Equal((0, 0, 0, 3, 0, 1), (s.A0, s.A1, s.A2, s.A3, s.A4, s.A5));
            Assert.Equal((0, 0, 0, 0, 1, 0), (s.B0, s.B1, s.B2, s.B3, s.B4, s.B5));

            // Output [1, 2, 1] reads a[1, 0, 1] = 4 and b[2, 0] = 2.
            int index = (((1 * 4) + 2) * 3) + 1;
            Assert.Equal(4, s.OffsetA(index));
            Assert.Equal(2, s.OffsetB(index));
        }

        [Fact]
        public void Broadcast_of_scalars_and_errors()
        {
            BroadcastShape scalar = BroadcastShape.Create([], []);
            Assert.Equal(0, scalar.Rank);
            Assert.Empty(scalar.OutputShape());
            Assert.Equal(1, scalar.Elements);

            Assert.Contains("do not broadcast (dimension 3 against 4)", Assert.Throws<ArgumentException>(() => BroadcastShape.Create([2, 3], [4])).Message);
            Assert.Contains("rank up to 6", Assert.Throws<ArgumentException>(() => BroadcastShape.Create([1, 1, 1, 1, 1, 1, 1], [1])).Message);
        }

        [Fact]
        public void MatMul_counts_batch_strides_in_matrices()
        {
            MatMulShape s = MatMulShape.Create([2, 1, 3, 4], [5, 4, 6]);
            Assert.Equal((3, 6, 4), (s.M, s.N, s.K));
            Assert.Equal([2, 5, 3, 6], s.OutputShape());
            Assert.Equal(10, s.BatchCount);
            Assert.Equal(12, s.Batch.OffsetA(5));   // batch [1, 0]: the second matrix of a
            Assert.Equal(0, s.Batch.OffsetB(5));
            Assert.Equal(4 * 24, s.Batch.OffsetB(4)); // batch [0, 4]: the fifth matrix of b

            Assert.Contains("inner sizes 4 and 5 differ", Assert.Throws<ArgumentException>(() => MatMulShape.Create([3, 4], [5, 6])).Message);
            Assert.Contains("rank 2 or more", Assert.Throws<ArgumentException>(() => MatMulShape.Create([4], [4, 6])).Message);
        }

        [Theory]
        [InlineData(new int[0], 0, 0)]
        [InlineData(new[] { 1 }, 0, 0)]
        [InlineData(new[] { 5 }, 0, 1)]
        [InlineData(new[] { 1, 5 }, 0, 1)]
        [InlineData(new[] { 3, 1 }, 1, 0)]
        [InlineData(new[] { 3, 5 }, 5, 1)]
        public void Gemm_bias_broadcasts_by_strides(int[] cShape, int rowStride, int colStride)
        {
            GemmShape s = GemmShape.Create(3, 5, 2, transA: false, transB: true, alpha: 0.5f, beta: 2f, cShape);
            Assert.Equal((1, rowStride, colStride), (s.HasC, s.CRowStride, s.CColStride));
            Assert.Equal((0, 1, 0.5f, 2f), (s.TransA, s.TransB, s.Alpha, s.Beta));
        }

        [Fact]
        public void Gemm_without_bias_and_with_a_bias_that_does_not_broadcast()
        {
            Assert.Equal(0, GemmShape.Create(3, 5, 2, false, false, 1f, 1f, null).HasC);
            Assert.Throws<ArgumentException>(() => GemmShape.Create(3, 5, 2, false, false, 1f, 1f, [5, 3]));
            Assert.Throws<ArgumentException>(() => GemmShape.Create(3, 5, 2, false, false, 1f, 1f, [1, 3, 5]));
        }
    }
}
