# Written by `ragtune finetune export --format unsloth`. Settings live in unsloth-config.json.
# pip install unsloth   (then: python train_unsloth.py)
import json
import os

from unsloth import FastLanguageModel  # import first: it patches transformers and trl
from datasets import load_dataset
from trl import SFTConfig, SFTTrainer

with open("unsloth-config.json", encoding="utf-8") as f:
    cfg = json.load(f)

model, tokenizer = FastLanguageModel.from_pretrained(
    model_name=cfg["base_model"],
    max_seq_length=cfg["max_seq_length"],
    load_in_4bit=True,
)
model = FastLanguageModel.get_peft_model(
    model,
    r=cfg["lora_r"],
    lora_alpha=cfg["lora_alpha"],
    lora_dropout=cfg["lora_dropout"],
    target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    bias="none",
    use_gradient_checkpointing="unsloth",
    random_state=cfg["seed"],
)

files = {"train": cfg["train_file"]}
if cfg.get("validation_file") and os.path.getsize(cfg["validation_file"]) > 0:
    files["validation"] = cfg["validation_file"]
data = load_dataset("json", data_files=files)
# The base model's own chat template renders system, question and answer as it will see them when served.
data = data.map(
    lambda ex: {"text": tokenizer.apply_chat_template(ex["messages"], tokenize=False)},
    remove_columns=["messages"],
)

trainer = SFTTrainer(
    model=model,
    processing_class=tokenizer,
    train_dataset=data["train"],
    eval_dataset=data.get("validation"),
    args=SFTConfig(
        dataset_text_field="text",
        per_device_train_batch_size=cfg["micro_batch_size"],
        gradient_accumulation_steps=cfg["gradient_accumulation_steps"],
        num_train_epochs=cfg["num_epochs"],
        learning_rate=cfg["learning_rate"],
        lr_scheduler_type="cosine",
        warmup_ratio=0.05,
        logging_steps=10,
        eval_strategy="epoch" if "validation" in data else "no",
        output_dir=cfg["output_dir"],
        seed=cfg["seed"],
        report_to="none",
    ),
)
trainer.train()
model.save_pretrained(cfg["adapter_dir"])
tokenizer.save_pretrained(cfg["adapter_dir"])
print(f"LoRA adapter written to {cfg['adapter_dir']}")
