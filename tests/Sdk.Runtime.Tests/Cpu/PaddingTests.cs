using System;
using Sdk.Runtime.Backends.Cpu;
using Xunit;

namespace Sdk.Runtime.Tests.Cpu
{
    /// <summary>
    /// The zero-padded input rows every direct convolution and Winograd read (<c>ConvGeometry.PadRowRange</c>, whose
    /// short rows are inline vector copies with overlapping tails), against the definition, element by element, on
    /// ragged widths: rows above and below the input, left padding wider than a vector, padded rows that cut the input
    /// row short, and nothing written past the last row.
    /// </summary>
    public unsafe class PaddingTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        [InlineData(8)]
        [InlineData(14)]
        [InlineData(16)]
        [InlineData(17)]
        [InlineData(33)]
        [InlineData(70)]
        [InlineData(130)]
        public void PaddedRowsAreTheInputRowsWithZerosAround(int w)
        {
            const int h = 5;
            var random = new Random(w);
            foreach (int left in new[] { 0, 1, 2, 19 })
            {
                foreach (int width in new[] { Math.Max(1, w + left - 1), w + (2 * left), w + left + 18, 16, 32, 128, 129 })
                {
                    var g = new ConvGeometry { H = h, W = w, PL = left };
                    var plane = new float[h * w];
                    for (int i = 0; i < plane.Length; i++)
                    {
                        plane[i] = random.NextSingle() + 1f; // never 0, so a missing copy shows
                    }

                    const int first = -2, rows = h + 4; // two rows above the input, two below
                    var padded = new float[(rows * width) + 17];
                    Array.Fill(padded, float.NaN);
                    fixed (float* src = plane)
                    fixed (float* dst = padded)
                    {
                        g.PadRowRange(src, first, dst, rows, width);
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        for (int j = 0; j < width; j++)
                        {
                            int ih = first + r, iw = j - left;
                            float expected = ih >= 0 && ih < h && iw >= 0 && iw < w ? plane[(ih * w) + iw] : 0f;
                            Assert.True(expected == padded[(r * width) + j], $"W {w}, left {left}, width {width}: row {ih}, column {j} is {padded[(r * width) + j]}, expected {expected}");
                        }
                    }

                    for (int i = rows * width; i < padded.Length; i++)
                    {
                        Assert.True(float.IsNaN(padded[i]), $"W {w}, left {left}, width {width}: wrote past the last row at {i - (rows * width)}");
                    }
                }
            }
        }
    }
}
