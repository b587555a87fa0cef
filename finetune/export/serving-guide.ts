import type { ExportFormat, LoraSettings } from './export-input.js'

/** Where each trainer leaves the adapter, relative to the export directory. */
export function adapterDir(format: ExportFormat, name: string): string {
  if (format === 'axolotl') return `outputs/${name}`
  if (format === 'llama-factory') return `saves/${name}/lora/sft`
  return `adapters/${name}`
}

const TRAIN_COMMAND: Record<ExportFormat, string> = {
  axolotl: 'axolotl train axolotl.yaml',
  'llama-factory': 'llamafactory-cli train llama-factory.yaml',
  unsloth: 'python train_unsloth.py',
}

/** Ollama names the common bases differently from Hugging Face; unknown ones are left for the user to fill. */
export function ollamaBase(baseModel: string): string | undefined {
  const known: Record<string, string> = {
    'qwen/qwen2.5-7b-instruct': 'qwen2.5:7b-instruct',
    'qwen/qwen2.5-3b-instruct': 'qwen2.5:3b-instruct',
    'meta-llama/llama-3.1-8b-instruct': 'llama3.1:8b-instruct-fp16',
    'meta-llama/meta-llama-3.1-8b-instruct': 'llama3.1:8b-instruct-fp16',
    'meta-llama/llama-3.2-3b-instruct': 'llama3.2:3b-instruct-fp16',
    'mistralai/mistral-7b-instruct-v0.3': 'mistral:7b-instruct-v0.3-fp16',
  }
  return known[baseModel.toLowerCase()]
}

/** README.md of an export directory: how to train, then serve the adapter and register it with ragtune. */
export function exportReadme(format: ExportFormat, s: LoraSettings, examples: { train: number; validation: number }): string {
  const dir = adapterDir(format, s.name)
  const base = ollamaBase(s.baseModel)
  return `# ${s.name}: LoRA SFT for ${format}

Written by \`ragtune finetune export --format ${format}\` from ${examples.train} training and ${examples.validation} validation examples.
Base model: \`${s.baseModel}\` · LoRA r=${s.loraR}, alpha=${s.loraAlpha}, dropout=${s.loraDropout} · ${s.epochs} epochs · lr ${s.learningRate} · sequence length ${s.sequenceLen}.

## Train (needs a GPU)

\`\`\`sh
${TRAIN_COMMAND[format]}
\`\`\`

The adapter is written to \`${dir}\`.

## Serve with vLLM

\`\`\`sh
vllm serve ${s.baseModel} --enable-lora --max-lora-rank ${Math.max(16, s.loraR)} \\
  --lora-modules ${s.name}=${dir}
ragtune finetune register --name ${s.name} --base-url http://127.0.0.1:8000/v1 --model ${s.name}
\`\`\`

Clients pick the voice by model name \`${s.name}\`; the base model stays available under its own name.

## Serve with Ollama

\`\`\`sh
cat > Modelfile <<'MODELFILE'
FROM ${base ?? `<the Ollama tag of ${s.baseModel}>`}
ADAPTER ./${dir}
MODELFILE
ollama create ${s.name} -f Modelfile
ragtune finetune register --name ${s.name} --base-url http://127.0.0.1:11434/v1 --model ${s.name}
\`\`\`

\`FROM\` must be the very base model the adapter was trained on. Ollama imports safetensors adapters for
Llama, Mistral and Gemma architectures; for others (e.g. Qwen) convert the adapter first with llama.cpp's
\`convert_lora_to_gguf.py\` and point \`ADAPTER\` at the .gguf file.
`
}
