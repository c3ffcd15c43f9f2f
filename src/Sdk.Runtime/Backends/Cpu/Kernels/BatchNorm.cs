using System;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// Batch normalisation over NCHW tensors [batch, channels, spatial] (spatial = H·W; 1 after a dense layer),
    /// parallel over channels: every channel is reduced by one task in a fixed order, so results do not depend on
    /// the thread count. Statistics are accumulated in double.
    /// </summary>
    /// <remarks>
    /// Training follows PyTorch: normalisation uses the biased batch variance; the running variance is updated
    /// with the unbiased one; running = (1 − momentum)·running + momentum·batch statistic.
    /// </remarks>
    public static unsafe class BatchNorm
    {
        /// <summary>scale = γ/√(var + ε), shift = β − mean·scale: inference batch norm as a per-channel affine map.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void FoldInference(
            ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
            float epsilon, Span<float> scale, Span<float> shift)
        {
            int c = scale.Length;
            if (shift.Length < c || gamma.Length < c || beta.Length < c || runningMean.Length < c || runningVar.Length < c)
            {
                throw new ArgumentException("All per-channel vectors need the same length.");
            }

            for (int i = 0; i < c; i++)
            {
                float s = gamma[i] / MathF.Sqrt(runningVar[i] + epsilon);
                scale[i] = s;
                shift[i] = beta[i] - (runningMean[i] * s);
            }
        }

        /// <summary>y = act(x·scale[c] + shift[c]) (inference with folded parameters; y may alias x).</summary>
        public static void Affine(
            ReadOnlySpan<float> input, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> output,
            int batch, int channels, int spatial, Activation activation = Activation.None)
        {
            long n = (long)batch * channels * spatial;
            ConvPlan.CheckLength(input, n, nameof(input));
            ConvPlan.CheckLength(output, n, nameof(output));
            ConvPlan.CheckLength(scale, channels, nameof(scale));
            ConvPlan.CheckLength(shift, channels, nameof(shift));
            fixed (float* x = input)
            fixed (float* y = output)
            fixed (float* sc = scale)
            fixed (float* sh = shift)
            {
                var job = new Job { Kind = 0, X = x, Y = y, A = sc, B = sh, Batch = batch, Channels = channels, Spatial = spatial, Act = activation };
                Run(ref job);
            }
        }

        /// <summary>Inference: y = act(γ·(x − mean)/√(var + ε) + β) with the running statistics.</summary>
        public static void Inference(
            ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int spatial,
            ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
            float epsilon, Activation activation = Activation.None)
        {
            float* buffer = ThreadScratch.Get(ScratchSlot.Misc, 2L * channels);
            var scale = new Span<float>(buffer, channels);
            var shift = new Span<float>(buffer + channels, channels);
            FoldInference(gamma.Slice(0, Math.Min(gamma.Length, channels)), beta, runningMean, runningVar, epsilon, scale, shift);
            Affine(input, scale, shift, output, batch, channels, spatial, activation);
        }

        /// <summary>
        /// Training forward: normalises with the batch statistics, writes y = γ·x̂ + β, saves the batch mean and
        /// 1/√(var + ε) per channel for <see cref="TrainingBackward"/>, and updates the running statistics in place.
        /// </summary>
        public static void TrainingForward(
            ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int spatial,
            ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> runningMean, Span<float> runningVar,
            float momentum, float epsilon, Span<float> savedMean, Span<float> savedInvStd)
        {
            long n = (long)batch * channels * spatial;
            ConvPlan.CheckLength(input, n, nameof(input));
            ConvPlan.CheckLength(output, n, nameof(output));
            if (Math.Min(Math.Min(gamma.Length, beta.Length), Math.Min(Math.Min(runningMean.Length, runningVar.Length), Math.Min(savedMean.Length, savedInvStd.Length))) < channels)
            {
                throw new ArgumentException("Per-channel vectors need one element per channel.");
            }

            if (batch * spatial < 1)
            {
                throw new ArgumentException("Training batch norm needs at least one element per channel.");
            }

            fixed (float* x = input)
            fixed (float* y = output)
            fixed (float* g = gamma)
            fixed (float* b = beta)
            fixed (float* rm = runningMean)
            fixed (float* rv = runningVar)
            fixed (float* sm = savedMean)
            fixed (float* si = savedInvStd)
            {
                var job = new Job
                {
                    Kind = 1, X = x, Y = y, A = g, B = b, RunMean = rm, RunVar = rv, Mean = sm, InvStd = si,
                    Batch = batch, Channels = channels, Spatial = spatial, Momentum = momentum, Epsilon = epsilon,
                };
                Run(ref job);
            }
        }

        /// <summary>
        /// Training backward from dL/dy: dx (overwritten, may be empty), dγ = Σ dy·x̂, dβ = Σ dy (overwritten, may be
        /// empty), using the statistics saved by <see cref="TrainingForward"/>.
        /// </summary>
        public static void TrainingBackward(
            ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch, int channels, int spatial,
            ReadOnlySpan<float> gamma, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd,
            Span<float> gradGamma, Span<float> gradBeta)
        {
            long n = (long)batch * channels * spatial;
            ConvPlan.CheckLength(input, n, nameof(input));
            ConvPlan.CheckLength(gradOutput, n, nameof(gradOutput));
            if (!gradInput.IsEmpty)
            {
                ConvPlan.CheckLength(gradInput, n, nameof(gradInput));
            }

            ConvPlan.CheckLength(gamma, channels, nameof(gamma));
            ConvPlan.CheckLength(savedMean, channels, nameof(savedMean));
            ConvPlan.CheckLength(savedInvStd, channels, nameof(savedInvStd));
            if (!gradGamma.IsEmpty)
            {
                ConvPlan.CheckLength(gradGamma, channels, nameof(gradGamma));
            }

            if (!gradBeta.IsEmpty)
            {
                ConvPlan.CheckLength(gradBeta, channels, nameof(gradBeta));
            }

            fixed (float* x = input)
            fixed (float* dy = gradOutput)
            fixed (float* dx = gradInput)
            fixed (float* g = gamma)
            fixed (float* sm = savedMean)
            fixed (float* si = savedInvStd)
            fixed (float* dg = gradGamma)
            fixed (float* db = gradBeta)
            {
                var job = new Job
                {
                    Kind = 2, X = x, Y = dy, Dx = gradInput.IsEmpty ? null : dx, A = g, Mean = sm, InvStd = si,
                    DGamma = gradGamma.IsEmpty ? null : dg, DBeta = gradBeta.IsEmpty ? null : db,
                    Batch = batch, Channels = channels, Spatial = spatial,
                };
                Run(ref job);
            }
        }

        private static void Run(ref Job job)
        {
            long work = (long)job.Batch * job.Channels * job.Spatial;
            int tasks = CpuWorkerPool.AvailableThreads > 1 && work >= 1 << 15 ? Math.Min(job.Channels, CpuWorkerPool.AvailableThreads * 4) : 1;
            job.PerTask = (job.Channels + tasks - 1) / tasks;
            CpuWorkerPool.Current.Run(ref job, (job.Channels + job.PerTask - 1) / job.PerTask);
        }

        private struct Job : IParallelJob
        {
            public int Kind;
            public float* X;
            public float* Y;
            public float* Dx;
            public float* A;
            public float* B;
            public float* RunMean;
            public float* RunVar;
            public float* Mean;
            public float* InvStd;
            public float* DGamma;
            public float* DBeta;
            public int Batch;
            public int Channels;
            public int Spatial;
            public int PerTask;
            public float Momentum;
            public float Epsilon;
            public Activation Act;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int task)
            {
                int c1 = Math.Min(Channels, (task + 1) * PerTask);
                for (int c = task * PerTask; c < c1; c++)
                {
                    switch (Kind)
                    {
                        case 0:
                            for (int n = 0; n < Batch; n++)
                            {
                                long off = (((long)n * Channels) + c) * Spatial;
                                AffineRun(X + off, Y + off, Spatial, A[c], B[c]);
                                if (Act != Activation.None)
                                {
                                    Activations.BiasActivateRun(Y + off, Spatial, 0f, null, Act);
                                }
                            }

                            break;
                        case 1:
                            Forward(c);
                            break;
                        default:
                            Backward(c);
                            break;
                    }
                }
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private readonly void Forward(int c)
            {
                double sum = 0;
                for (int n = 0; n < Batch; n++)
                {
                    sum += SumRun(X + ((((long)n * Channels) + c) * Spatial), Spatial, 0f, null, 0f);
                }

                long count = (long)Batch * Spatial;
                double mean = sum / count;
                double sq = 0;
                for (int n = 0; n < Batch; n++)
                {
                    float* p = X + ((((long)n * Channels) + c) * Spatial);
                    sq += SumRun(p, Spatial, (float)mean, p, (float)mean);
                }

                double variance = sq / count;
                float invStd = (float)(1.0 / Math.Sqrt(variance + Epsilon));
                Mean[c] = (float)mean;
                InvStd[c] = invStd;
                float scale = A[c] * invStd;
                float shift = B[c] - ((float)mean * scale);
                for (int n = 0; n < Batch; n++)
                {
                    long off = (((long)n * Channels) + c) * Spatial;
                    AffineRun(X + off, Y + off, Spatial, scale, shift);
                }

                double unbiased = count > 1 ? variance * count / (count - 1) : variance;
                RunMean[c] = (float)(((1.0 - Momentum) * RunMean[c]) + (Momentum * mean));
                RunVar[c] = (float)(((1.0 - Momentum) * RunVar[c]) + (Momentum * unbiased));
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private readonly void Backward(int c)
            {
                float mean = Mean[c], invStd = InvStd[c];
                double sumDy = 0, sumDyXc = 0;
                for (int n = 0; n < Batch; n++)
                {
                    long off = (((long)n * Channels) + c) * Spatial;
                    sumDy += SumRun(Y + off, Spatial, 0f, null, 0f);
                    sumDyXc += SumRun(Y + off, Spatial, 0f, X + off, mean);
                }

                // x̂ = (x − mean)·invStd; dγ = Σ dy·x̂; dβ = Σ dy; dx = γ·invStd·(dy − dβ/N − x̂·dγ/N).
                double dGamma = sumDyXc * invStd;
                if (DGamma != null)
                {
                    DGamma[c] = (float)dGamma;
                }

                if (DBeta != null)
                {
                    DBeta[c] = (float)sumDy;
                }

                if (Dx == null)
                {
                    return;
                }

                long count = (long)Batch * Spatial;
                float k = A[c] * invStd;
                float a = k;                                                        // · dy
                float b = (float)(-k * dGamma * invStd / count);                   // · (x − mean)
                float d = (float)(-k * sumDy / count);                              // constant
                for (int n = 0; n < Batch; n++)
                {
                    long off = (((long)n * Channels) + c) * Spatial;
                    float* dy = Y + off;
                    float* x = X + off;
                    float* dx = Dx + off;
                    int i = 0;
                    Vector256<float> av = Vector256.Create(a), bv = Vector256.Create(b), dv = Vector256.Create(d), mv = Vector256.Create(mean);
                    for (; i <= Spatial - 8; i += 8)
                    {
                        Vector256<float> t = Vector256.FusedMultiplyAdd(Vector256.Load(x + i) - mv, bv, dv);
                        Vector256.FusedMultiplyAdd(Vector256.Load(dy + i), av, t).Store(dx + i);
                    }

                    for (; i < Spatial; i++)
                    {
                        dx[i] = (dy[i] * a) + ((x[i] - mean) * b) + d;
                    }
                }
            }

            /// <summary>Σ p[i]·(q == null ? 1 : q[i] − qShift) after subtracting pShift from p (vectorised, float lanes).</summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private static double SumRun(float* p, int n, float pShift, float* q, float qShift)
            {
                Vector256<float> acc = Vector256<float>.Zero;
                Vector256<float> ps = Vector256.Create(pShift), qs = Vector256.Create(qShift);
                int i = 0;
                for (; i <= n - 8; i += 8)
                {
                    Vector256<float> v = Vector256.Load(p + i) - ps;
                    acc = q == null ? acc + v : Vector256.FusedMultiplyAdd(v, Vector256.Load(q + i) - qs, acc);
                }

                double s = Vector256.Sum(acc);
                for (; i < n; i++)
                {
                    float v = p[i] - pShift;
                    s += q == null ? v : v * (q[i] - qShift);
                }

                return s;
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private static void AffineRun(float* x, float* y, int n, float scale, float shift)
            {
                Vector256<float> s = Vector256.Create(scale), t = Vector256.Create(shift);
                int i = 0;
                for (; i <= n - 8; i += 8)
                {
                    Vector256.FusedMultiplyAdd(Vector256.Load(x + i), s, t).Store(y + i);
                }

                for (; i < n; i++)
                {
                    y[i] = MathF.FusedMultiplyAdd(x[i], scale, shift);
                }
            }
        }
    }
}
